import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { convertToPsbt, createFundedPsbt, finalizePsbt, processPsbt } from "./psbt-calls.ts"

const txid = "1e3920ed96b935fefce9303cae8a6c8e0df8ad6e9198e9b38f461ce5f7d0ebce"
const psbt = "cHNidP8BAHECAAAAAQ=="
const a = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
const b = "bcrt1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qzf4jry"

describe("Core's PSBT calls (shapes from Core 26's RPC documentation; no Core node here)", () => {
  test("walletcreatefundedpsbt: exactly these inputs, outputs in order as exact strings, change last, a fee rate in sat/vB", () => {
    const step = Result.getOrThrow(
      createFundedPsbt([{ txid, vout: 1 }], [{ address: a, satoshis: 100_000n }, { address: b, satoshis: 1n }], { changeAddress: b.replace("qrp", "qzz"), feeRateSatPerVbyte: 2.5 }),
    )
    expect(step.call).toEqual({
      method: "walletcreatefundedpsbt",
      params: [
        [{ txid, vout: 1 }],
        [{ [a]: "0.00100000" }, { [b]: "0.00000001" }],
        0,
        { add_inputs: false, changeAddress: b.replace("qrp", "qzz"), changePosition: 2, fee_rate: 2.5, lockUnspents: false, replaceable: false },
      ],
    })
    expect(Result.getOrThrow(step.parse({ psbt, fee: 0.00000452, changepos: 2 }))).toEqual({ psbt, fee: 452n, changePosition: 2 })
    expect(Result.getOrThrow(step.parse({ psbt, fee: 0.00001, changepos: -1 }))).toEqual({ psbt, fee: 1000n })
  })

  test("walletcreatefundedpsbt cannot pay one address twice, so it is refused before the call", () => {
    const r = createFundedPsbt([{ txid, vout: 1 }], [{ address: a, satoshis: 1000n }, { address: a, satoshis: 2000n }], { changeAddress: b, feeRateSatPerVbyte: 1 })
    expect(Result.isFailure(r) && r.failure).toMatchObject({ _tag: "DuplicatePayoutAddress", address: a })
  })

  test.each([
    ["converttopsbt of the executor's own unsigned bytes", convertToPsbt("0200").call, { method: "converttopsbt", params: ["0200"] }],
    ["walletprocesspsbt signs with ALL and finalizes", processPsbt(psbt).call, { method: "walletprocesspsbt", params: [psbt, true, "ALL", true, true] }],
    ["finalizepsbt extracts", finalizePsbt(psbt).call, { method: "finalizepsbt", params: [psbt, true] }],
  ])("%s", (_name, call, expected) => expect(call).toEqual(expected))

  test("walletprocesspsbt: complete, with the hex Core ≥ 26 adds", () => {
    expect(Result.getOrThrow(processPsbt(psbt).parse({ psbt, complete: true, hex: "0200" }))).toEqual({ psbt, complete: true, hex: "0200" })
    expect(Result.getOrThrow(processPsbt(psbt).parse({ psbt, complete: false }))).toEqual({ psbt, complete: false })
  })

  test("finalizepsbt: the hex when complete, SigningIncomplete when not", () => {
    expect(Result.getOrThrow(finalizePsbt(psbt).parse({ hex: "0200", complete: true }))).toBe("0200")
    const r = finalizePsbt(psbt).parse({ psbt, complete: false })
    expect(Result.isFailure(r) && r.failure._tag).toBe("SigningIncomplete")
  })

  test("malformed answers", () => {
    expect(Result.isFailure(convertToPsbt("00").parse(42))).toBe(true)
    expect(Result.isFailure(processPsbt(psbt).parse({ psbt }))).toBe(true)
  })
})
