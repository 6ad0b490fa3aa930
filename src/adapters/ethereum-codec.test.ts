import { describe, expect, test } from "bun:test"
import { devRecipient, devSigner, sampleTransactions } from "../intake/validate/sample-transactions.ts"
import { checkEthereumAddress, encodeFunctionCall, parseSignedTransaction } from "./ethereum-codec.ts"

describe("checkEthereumAddress", () => {
  test.each([
    [devSigner, { ok: true, lower: devSigner.toLowerCase() }],
    [devSigner.toLowerCase(), { ok: true, lower: devSigner.toLowerCase() }],
    [`0x${devSigner.slice(2).toUpperCase()}`, { ok: true, lower: devSigner.toLowerCase() }],
    [devSigner.replace("f39Fd6", "f39fd6"), { ok: false, problem: "checksum" }],
    ["0x1234", { ok: false, problem: "format" }],
    [devSigner.slice(2), { ok: false, problem: "format" }],
    [`${devSigner}00`, { ok: false, problem: "format" }],
  ] as const)("%s", (text, expected) => expect(checkEthereumAddress(text)).toEqual(expected))
})

describe("encodeFunctionCall", () => {
  const abi = "function transfer(address to, uint256 amount)"
  test("encodes ERC-20 transfer call data", () => {
    expect(encodeFunctionCall(abi, [devRecipient, "1000"])).toEqual({
      ok: true,
      data: "0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c800000000000000000000000000000000000000000000000000000000000003e8",
    })
  })
  test("refuses a fragment that is not a function", () => {
    const r = encodeFunctionCall("event Transfer(address a)", [])
    expect(r.ok === false && r.fragmentProblem).toBeTruthy()
  })
  test("names the argument count", () => {
    expect(encodeFunctionCall(abi, [devRecipient])).toEqual({ ok: false, argument: { index: -1, problem: "transfer(address,uint256) takes 2 argument(s); got 1" } })
  })
  test("names the argument that does not encode, in ethers' words", () => {
    expect(encodeFunctionCall(abi, [devRecipient, "abc"])).toEqual({
      ok: false,
      argument: { index: 1, problem: "amount (uint256): invalid BigNumberish string: Failed to parse String to BigInt" },
    })
  })
  test("a bool must be a JSON boolean, even inside arrays and tuples", () => {
    expect(encodeFunctionCall("function f(bool b)", ["false"]).ok).toBe(false)
    expect(encodeFunctionCall("function f(bool[] b)", [[true, 1]]).ok).toBe(false)
    expect(encodeFunctionCall("function f((uint8 a, bool b) t)", [[1, "yes"]]).ok).toBe(false)
    expect(encodeFunctionCall("function f((uint8 a, bool b) t)", [[1, false]]).ok).toBe(true)
  })
})

describe("parseSignedTransaction", () => {
  test("recovers the signer, nonce, chain id and hash", () => {
    expect(parseSignedTransaction(sampleTransactions.signedFor31337)).toEqual({
      ok: true,
      value: { from: devSigner.toLowerCase(), nonce: 7, chainId: 31337n, hash: sampleTransactions.hashFor31337 },
    })
  })
  test("a legacy transaction without EIP-155 has chain id 0", () => {
    const r = parseSignedTransaction(sampleTransactions.legacyWithoutChainId)
    expect(r.ok && r.value.chainId).toBe(0n)
  })
  test("unsigned and unparsable bytes are told apart", () => {
    expect(parseSignedTransaction(sampleTransactions.unsigned)).toEqual({ ok: false, problem: { kind: "unsigned" } })
    expect(parseSignedTransaction("0x1234")).toEqual({ ok: false, problem: { kind: "parse", problem: "unsupported transaction type" } })
  })
})
