import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { nodeRejected } from "../errors.ts"
import { MalformedAnswer } from "./wallet-step.ts"
import { listUnspent, lockCoins, mempoolSpenders, newChangeAddress, sendRaw, signingMayNeedUnlock, SigningIncomplete, signRaw, txStatus, unspentOutput } from "./wallet-calls.ts"

const txid = "1e3920ed96b935fefce9303cae8a6c8e0df8ad6e9198e9b38f461ce5f7d0ebce"
const spk = "76a914c7461e25906a496ca32f1a066c0967e4eb69946d88ac"

/** listunspent entries as the real btcwallet v0.18 answered them. */
const entry = (account: string, amount: number, confirmations: number) => ({
  txid,
  vout: 1,
  address: "SfTfVtCM69EhKFhgP88prpbwtKXJ8VaB2k",
  account,
  scriptPubKey: spk,
  amount,
  confirmations,
  spendable: true,
})

const failureTag = <A, E extends { readonly _tag: string }>(r: Result.Result<A, E>) => (Result.isFailure(r) ? r.failure._tag : "ok")

describe("call shapes", () => {
  test.each([
    ["listunspent, every confirmation count", listUnspent("btcwallet", "default").call, { method: "listunspent", params: [0, 9_999_999] }],
    ["btcwallet change address of an account", newChangeAddress("btcwallet", "payroll").call, { method: "getrawchangeaddress", params: ["payroll"] }],
    ["Core change address: bech32", newChangeAddress("bitcoind", "").call, { method: "getrawchangeaddress", params: ["bech32"] }],
    [
      "btcwallet signs with the prevout scripts given",
      signRaw("btcwallet", "00", [{ txid, vout: 1, scriptPubKey: spk, satoshis: 4_899_990_000n }]).call,
      { method: "signrawtransaction", params: ["00", [{ txid, vout: 1, scriptPubKey: spk }]] },
    ],
    [
      "Core signs with scripts and amounts (segwit), amounts as exact strings",
      signRaw("bitcoind", "00", [{ txid, vout: 1, scriptPubKey: spk, satoshis: 4_899_990_000n }]).call,
      { method: "signrawtransactionwithwallet", params: ["00", [{ txid, vout: 1, scriptPubKey: spk, amount: "48.99990000" }]] },
    ],
    ["broadcast", sendRaw("00").call, { method: "sendrawtransaction", params: ["00"] }],
    ["status", txStatus(txid).call, { method: "gettransaction", params: [txid] }],
    ["mempool spenders", mempoolSpenders([{ txid, vout: 0 }]).call, { method: "gettxspendingprevout", params: [[{ txid, vout: 0 }]] }],
    ["output in chain or mempool", unspentOutput({ txid, vout: 0 }).call, { method: "gettxout", params: [txid, 0, true] }],
    ["lock", lockCoins(true, [{ txid, vout: 0 }]).call, { method: "lockunspent", params: [false, [{ txid, vout: 0 }]] }],
    ["unlock", lockCoins(false, [{ txid, vout: 0 }]).call, { method: "lockunspent", params: [true, [{ txid, vout: 0 }]] }],
    ["unlocking nothing never sends lockunspent true [] (which unlocks everything)", lockCoins(false, []).call, { method: "listlockunspent", params: [] }],
  ])("%s", (_name, call, expected) => expect(call).toEqual(expected))
})

describe("listunspent", () => {
  test("keeps btcwallet entries of the account, amounts in exact satoshis", () => {
    const r = listUnspent("btcwallet", "default").parse([entry("default", 48.9999, 0), entry("other", 1, 3), entry("default", 1e-8, 7)])
    expect(Result.getOrThrow(r).map((c) => [c.satoshis, c.confirmations])).toEqual([
      [4_899_990_000n, 0],
      [1n, 7],
    ])
  })
  test("keeps every Core entry (one wallet per account) and its ancestor count", () => {
    const r = listUnspent("bitcoind", "").parse([{ ...entry("", 2, 0), label: "", ancestorcount: 3 }])
    expect(Result.getOrThrow(r)[0]).toMatchObject({ satoshis: 200_000_000n, ancestorCount: 3 })
  })
  test.each([
    ["not a list", { result: 1 }],
    ["an amount finer than a satoshi", [entry("default", 0.123456789, 1)]],
    ["an entry without a txid", [{ ...entry("default", 1, 1), txid: "x" }]],
    ["an entry without a script", [{ ...entry("default", 1, 1), scriptPubKey: undefined }]],
  ])("refuses %s", (_name, answer) => expect(failureTag(listUnspent("btcwallet", "default").parse(answer))).toBe("MalformedAnswer"))
})

describe("signing", () => {
  test("a complete signature answers the hex", () => {
    expect(Result.getOrThrow(signRaw("btcwallet", "00", []).parse({ hex: "0100", complete: true }))).toBe("0100")
  })
  test("an incomplete one names the inputs it could not sign (btcwallet's answer)", () => {
    const answer = {
      hex: "0100",
      complete: false,
      errors: [{ txid, vout: 0, scriptSig: "", sequence: 4294967295, error: "unable to find key for addr SMJ12qn9jNCCXJnTYRz5Yu9ZenERqvYwfg" }],
    }
    const r = signRaw("btcwallet", "00", []).parse(answer)
    expect(Result.isFailure(r) && r.failure).toMatchObject({ _tag: "SigningIncomplete", missing: [{ txid, vout: 0, error: "unable to find key for addr SMJ12qn9jNCCXJnTYRz5Yu9ZenERqvYwfg" }] })
  })
  test("an answer without hex is malformed", () => expect(failureTag(signRaw("bitcoind", "00", []).parse({ complete: true }))).toBe("MalformedAnswer"))
  test.each([
    ["the node says unlock first (-13)", nodeRejected("bitcoin", { node: "btc-1", method: "signrawtransaction", code: -13, detail: "Enter the wallet passphrase with walletpassphrase first" }), true],
    ["an incomplete signing, whatever its inputs' reasons", new SigningIncomplete({ missing: [{ txid, vout: 0, error: "unable to find key for addr SMJ12qn9jNCCXJnTYRz5Yu9ZenERqvYwfg" }] }), true],
    ["an incomplete signing that names no input", new SigningIncomplete({ missing: [] }), true],
    ["another refusal", nodeRejected("bitcoin", { node: "btc-1", method: "signrawtransaction", code: -8, detail: "Invalid parameter" }), false],
    ["a malformed answer", new MalformedAnswer({ method: "signrawtransaction", detail: "no hex/complete" }), false],
    ["no answer", { _tag: "NodeUnreachable", message: "node btc-1 did not answer" }, false],
  ] as const)("signingMayNeedUnlock: %s", (_, error, may) => expect(signingMayNeedUnlock(error)).toBe(may))
})

describe("status and spends", () => {
  test("gettransaction: btcwallet's empty blockhash while unmined, then the block", () => {
    const parse = txStatus(txid).parse
    expect(Result.getOrThrow(parse({ confirmations: 0, blockhash: "", walletconflicts: [], txid }))).toEqual({ known: true, confirmations: 0, conflicts: [] })
    const mined = { confirmations: 1, blockhash: "47b7cc08a37b9a376ae4f5c9b536cfb02ddac851904c76a731741b9ac1d417d8", walletconflicts: [txid] }
    expect(Result.getOrThrow(parse(mined))).toEqual({ known: true, confirmations: 1, blockhash: mined.blockhash, conflicts: [txid] })
  })
  test("gettransaction: code -5 means the wallet has no such transaction; other codes stay refusals", () => {
    expect(txStatus(txid).whenRejected?.(-5)).toEqual({ known: false })
    expect(txStatus(txid).whenRejected?.(-1)).toBeUndefined()
  })
  test("gettxspendingprevout: the spender when there is one (btcd's answer)", () => {
    const r = mempoolSpenders([]).parse([
      { txid, vout: 0, spendingtxid: "47b7cc08a37b9a376ae4f5c9b536cfb02ddac851904c76a731741b9ac1d417d8" },
      { txid, vout: 1 },
    ])
    expect([...Result.getOrThrow(r)]).toEqual([
      [`${txid}:0`, "47b7cc08a37b9a376ae4f5c9b536cfb02ddac851904c76a731741b9ac1d417d8"],
      [`${txid}:1`, undefined],
    ])
  })
  test("gettxout: null when spent in a block or unknown", () => {
    expect(Result.getOrThrow(unspentOutput({ txid, vout: 0 }).parse(null))).toBeUndefined()
    expect(Result.getOrThrow(unspentOutput({ txid, vout: 0 }).parse({ confirmations: 100, value: 50 }))).toEqual({ confirmations: 100 })
  })
  test("sendrawtransaction answers a txid", () => {
    expect(Result.getOrThrow(sendRaw("00").parse(txid))).toBe(txid)
    expect(failureTag(sendRaw("00").parse({ txid }))).toBe("MalformedAnswer")
  })
})
