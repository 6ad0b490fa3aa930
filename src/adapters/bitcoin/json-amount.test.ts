import { describe, expect, test } from "bun:test"
import { btcNumber, btcString, maxSatoshis, satoshisOfJsonAmount } from "./json-amount.ts"

describe("satoshisOfJsonAmount", () => {
  test.each([
    [50, 5_000_000_000n],
    [48.9999, 4_899_990_000n],
    [0.1, 10_000_000n],
    [0.00000001, 1n],
    [1.5e-7, 15n],
    [0.00001, 1000n],
    [20999999.99999999, maxSatoshis - 1n],
    [21000000, maxSatoshis],
    [0, 0n],
  ])("%p BTC is %p sat", (btc, sats) => expect(satoshisOfJsonAmount(btc)).toBe(sats))

  test.each([
    ["finer than a satoshi", 1e-9],
    ["finer than a satoshi, in plain notation", 0.123456789],
    ["negative", -1],
    ["above 21 million", 21000000.00000001],
    ["not finite", Number.POSITIVE_INFINITY],
    ["NaN", Number.NaN],
  ])("refuses an amount %s", (_name, btc) => expect(satoshisOfJsonAmount(btc)).toBeUndefined())

  test("every satoshi amount survives JSON as a number, across the whole range", () => {
    // A deterministic sweep: small amounts exhaustively, then large amounts with every last digit.
    for (let s = 0n; s < 20_000n; s++) expect(satoshisOfJsonAmount(JSON.parse(JSON.stringify(btcNumber(s))))).toBe(s)
    for (let i = 0n; i < 20_000n; i++) {
      const s = maxSatoshis - i * 104_729_000_001n
      expect(satoshisOfJsonAmount(JSON.parse(JSON.stringify(btcNumber(s))))).toBe(s)
      // btcd's own conversion: round(amount × 1e8) of the parsed double.
      expect(BigInt(Math.round(btcNumber(s) * 1e8))).toBe(s)
    }
  })
})

describe("btcString", () => {
  test.each([
    [100_000n, "0.00100000"],
    [1n, "0.00000001"],
    [maxSatoshis, "21000000.00000000"],
    [0n, "0.00000000"],
  ])("%p sat is %s", (sats, text) => expect(btcString(sats)).toBe(text))
})
