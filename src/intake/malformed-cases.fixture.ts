/**
 * The table of malformed single requests the intake must refuse: body, and the field and
 * rule the 400 must name. Shared by the in-process table test and the end-to-end test
 * against the real intake, so both check the same cases.
 */
import { bech32Encode, convertBits, segwitEncode } from "./validate/bech32.ts"
import { sampleAddresses } from "./validate/sample-addresses.ts"
import { devRecipient, devSigner, sampleTransactions } from "./validate/sample-transactions.ts"

const sim = sampleAddresses("simnet")
const other = sampleAddresses("simnet", 9)
const program20 = new Uint8Array(20).fill(3)
const segwitV2 = segwitEncode("sb", 2, program20)
const v0WithBech32m = bech32Encode("sb", [0, ...(convertBits([...program20], 8, 5, true) ?? [])], "bech32m")
const flip = (s: string) => s.slice(0, -1) + (s.endsWith("q") ? "p" : "q")
const badChecksumEth = devRecipient.replace("C51812dc", "c51812dc")

const btc = (method: string, params: unknown) => ({ chain: "bitcoin", method, params })
const eth = (method: string, params: unknown) => ({ chain: "ethereum", method, params })
const send = (params: Record<string, unknown>) => btc("sendtoaddress", { address: sim.p2wpkh, amount: "0.1", ...params })
const sendfrom = (params: Record<string, unknown>) => btc("sendfrom", { account: "alice", address: sim.p2pkh, amount: "1", ...params })
const transfer = (params: Record<string, unknown>) => eth("transfer", { from: devSigner, to: devRecipient, value: "1000", ...params })
const call = (params: Record<string, unknown>) =>
  eth("call", { from: devSigner, to: devRecipient, abi: "function transfer(address to, uint256 amount)", args: [devRecipient, "1000"], ...params })
const without = (body: { readonly params: unknown }, key: string) => {
  const params = { ...(body.params as Record<string, unknown>) }
  delete params[key]
  return { ...body, params }
}
const manyOutputs = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [sampleAddresses("simnet", i + 100).p2wpkh, "0.001"]))

/** One malformed request: a name, the body, and the field and rule the 400 must name. */
export type Case = readonly [name: string, body: unknown, field: string, rule: string]

/** Malformed single requests, each with the field and rule its 400 names. */
export const malformedRequests: readonly Case[] = [
  ["body is an array", [], "body", "object"],
  ["body is a number", 42, "body", "object"],
  ["body is null", null, "body", "object"],
  ["chain missing", { method: "sendtoaddress", params: {} }, "chain", "required"],
  ["chain unknown", { chain: "dogecoin", method: "send", params: {} }, "chain", "one of bitcoin, ethereum"],
  ["chain not a string", { chain: 1, method: "send", params: {} }, "chain", "string"],
  ["method missing", { chain: "bitcoin", params: {} }, "method", "required"],
  ["ethereum method on bitcoin", btc("transfer", {}), "method", "one of sendtoaddress, sendfrom, sendmany"],
  ["bitcoin method on ethereum", eth("sendmany", {}), "method", "one of transfer, call, raw"],
  ["params missing", { chain: "bitcoin", method: "sendtoaddress" }, "params", "required"],
  ["params an array", btc("sendtoaddress", []), "params", "object"],
  ["unknown top-level field", { ...send({}), callback: "https://x" }, "callback", "unknown field"],
  // sendtoaddress
  ["address missing", without(send({}), "address"), "params.address", "required"],
  ["amount missing", without(send({}), "amount"), "params.amount", "required"],
  ["account on sendtoaddress", send({ account: "alice" }), "params.account", "unknown field"],
  ["address not a string", send({ address: 42 }), "params.address", "string"],
  ["mainnet address on simnet", send({ address: "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa" }), "params.address", "version byte for simnet"],
  ["testnet segwit address on simnet", send({ address: "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7" }), "params.address", "segwit hrp sb"],
  ["base58 typo", send({ address: flip(sim.p2pkh) }), "params.address", "base58check checksum"],
  ["bech32 typo", send({ address: flip(sim.p2wpkh) }), "params.address", "bech32 checksum"],
  ["bech32 mixed case", send({ address: sim.p2wpkh.slice(0, 10) + sim.p2wpkh.slice(10).toUpperCase() }), "params.address", "bech32 single case"],
  ["not an address", send({ address: "hello" }), "params.address", "bitcoin address format"],
  ["future witness version", send({ address: segwitV2 }), "params.address", "segwit version 0 or 1"],
  ["v0 with a bech32m checksum", send({ address: v0WithBech32m }), "params.address", "bech32 for v0, bech32m for v1+"],
  ["9 decimal places", send({ amount: "0.123456789" }), "params.amount", "max 8 decimal places"],
  ["zero", send({ amount: "0" }), "params.amount", "greater than 0"],
  ["negative number", send({ amount: -1 }), "params.amount", "greater than 0"],
  ["exponent string", send({ amount: "1e-3" }), "params.amount", "plain decimal"],
  ["NaN", send({ amount: "NaN" }), "params.amount", "plain decimal"],
  ["above 21 million", send({ amount: "21000000.00000001" }), "params.amount", "at most 21000000"],
  ["boolean amount", send({ amount: true }), "params.amount", "string or number"],
  ["empty amount", send({ amount: "" }), "params.amount", "plain decimal"],
  ["tiny number with an exponent", send({ amount: 1e-7 }), "params.amount", "plain decimal"],
  // sendfrom
  ["empty account", sendfrom({ account: "" }), "params.account", "non-empty"],
  ["account of 65 characters", sendfrom({ account: "a".repeat(65) }), "params.account", "at most 64 characters"],
  ["account not a string", sendfrom({ account: 7 }), "params.account", "string"],
  ["account with a NUL", sendfrom({ account: "ali\u0000ce" }), "params.account", "no control characters"],
  ["account with a newline", btc("sendmany", { account: "payroll\n", amounts: { [sim.p2pkh]: "0.5" } }), "params.account", "no control characters"],
  ["account with an escape", sendfrom({ account: "\u001b[31mred" }), "params.account", "no control characters"],
  ["negative minconf", sendfrom({ minconf: -1 }), "params.minconf", "integer >= 0"],
  ["fractional minconf", sendfrom({ minconf: 1.5 }), "params.minconf", "integer >= 0"],
  ["minconf as a string", sendfrom({ minconf: "1" }), "params.minconf", "integer >= 0"],
  ["sendfrom without account", without(sendfrom({}), "account"), "params.account", "required"],
  // sendmany
  ["no outputs", btc("sendmany", { account: "payroll", amounts: {} }), "params.amounts", "1 to 2000 outputs"],
  ["2001 outputs", btc("sendmany", { account: "payroll", amounts: manyOutputs(2001) }), "params.amounts", "1 to 2000 outputs"],
  ["bad output address", btc("sendmany", { account: "payroll", amounts: { hello: "1" } }), "params.amounts.hello", "bitcoin address format"],
  ["bad output amount", btc("sendmany", { account: "payroll", amounts: { [sim.p2wpkh]: "1.000000001" } }), `params.amounts.${sim.p2wpkh}`, "max 8 decimal places"],
  [
    "same address twice, in two cases",
    btc("sendmany", { account: "payroll", amounts: { [sim.p2wpkh]: "1", [sim.p2wpkh.toUpperCase()]: "2" } }),
    `params.amounts.${sim.p2wpkh.toUpperCase()}`,
    "no duplicate addresses",
  ],
  ["amounts an array", btc("sendmany", { account: "payroll", amounts: [sim.p2wpkh] }), "params.amounts", "object"],
  // ethereum transfer
  ["short from address", transfer({ from: "0x123" }), "params.from", "hex address"],
  ["address without 0x", transfer({ to: devRecipient.slice(2) }), "params.to", "hex address"],
  ["bad EIP-55 checksum", transfer({ to: badChecksumEth }), "params.to", "EIP-55 checksum"],
  ["value as a number", transfer({ value: 1000 }), "params.value", "decimal integer string"],
  ["negative value", transfer({ value: "-1" }), "params.value", "decimal integer string"],
  ["fractional value", transfer({ value: "1.5" }), "params.value", "decimal integer string"],
  ["value of 2^256", transfer({ value: (1n << 256n).toString() }), "params.value", "below 2^256"],
  ["zero gas limit", transfer({ gas_limit: "0" }), "params.gas_limit", "greater than 0"],
  ["gas limit not a number", transfer({ gas_limit: "abc" }), "params.gas_limit", "decimal integer string"],
  ["gas limit of 2^64", transfer({ gas_limit: (1n << 64n).toString() }), "params.gas_limit", "below 2^64"],
  ["value missing", without(transfer({}), "value"), "params.value", "required"],
  ["nonce is not a field", transfer({ nonce: 3 }), "params.nonce", "unknown field"],
  // ethereum call
  ["event fragment", call({ abi: "event Transfer(address a)" }), "params.abi", "function fragment"],
  ["unparsable fragment", call({ abi: "function (" }), "params.abi", "function fragment"],
  ["abi not a string", call({ abi: ["function f()"] }), "params.abi", "string"],
  ["args not an array", call({ args: "0x1" }), "params.args", "array"],
  ["too few args", call({ args: [devRecipient] }), "params.args", "args match abi inputs"],
  ["uint256 from words", call({ args: [devRecipient, "abc"] }), "params.args[1]", "encodes against abi"],
  ["short address arg", call({ args: ["0x12", "1"] }), "params.args[0]", "encodes against abi"],
  ["bool as a string", call({ abi: "function setPaused(bool paused)", args: ["false"] }), "params.args[0]", "encodes against abi"],
  ["uint8 overflow", call({ abi: "function set(uint8 v)", args: [300] }), "params.args[0]", "encodes against abi"],
  ["call without args", without(call({}), "args"), "params.args", "required"],
  // ethereum raw
  ["raw not hex", eth("raw", { tx: "hello" }), "params.tx", "hex string"],
  ["raw odd hex", eth("raw", { tx: "0x123" }), "params.tx", "hex string"],
  ["raw garbage bytes", eth("raw", { tx: "0x1234" }), "params.tx", "parses as a transaction"],
  ["raw unsigned", eth("raw", { tx: sampleTransactions.unsigned }), "params.tx", "signed"],
  ["raw for chain 1", eth("raw", { tx: sampleTransactions.signedFor1 }), "params.tx", "chain id 31337"],
  ["raw without replay protection", eth("raw", { tx: sampleTransactions.legacyWithoutChainId }), "params.tx", "chain id 31337"],
  ["raw tx as a number", eth("raw", { tx: 12 }), "params.tx", "string"],
  ["raw with from", eth("raw", { tx: sampleTransactions.signedFor31337, from: devSigner }), "params.from", "unknown field"],
]

/** Builders for well-formed bodies that tests vary one field of. */
export const bodies = { send, sendfrom, transfer, call, btc, eth, without, manyOutputs, sim, other } as const
