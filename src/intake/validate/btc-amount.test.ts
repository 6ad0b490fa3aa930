import { describe, expect, test } from "bun:test"
import { amountRules, checkBtcAmount } from "./btc-amount.ts"

describe("checkBtcAmount accepts", () => {
  test.each([
    ["0.1", "0.1", 10_000_000n],
    [0.1, "0.1", 10_000_000n],
    ["0.00000001", "0.00000001", 1n],
    ["21000000", "21000000", 2_100_000_000_000_000n],
    ["21000000.00000000", "21000000.00000000", 2_100_000_000_000_000n],
    [5, "5", 500_000_000n],
    ["1.50", "1.50", 150_000_000n],
  ] as const)("%p", (input, amount, satoshis) => expect(checkBtcAmount(input)).toEqual({ ok: true, amount, satoshis }))
})

describe("checkBtcAmount refuses", () => {
  test.each([
    ["0", amountRules.positive],
    ["0.00000000", amountRules.positive],
    [0, amountRules.positive],
    ["-1", amountRules.positive],
    [-0.5, amountRules.positive],
    ["0.123456789", amountRules.places],
    [0.123456789, amountRules.places],
    ["21000000.00000001", amountRules.max],
    ["1e-3", amountRules.format],
    [1e-7, amountRules.format],
    [1e21, amountRules.format],
    ["NaN", amountRules.format],
    ["Infinity", amountRules.format],
    ["", amountRules.format],
    [" 1", amountRules.format],
    ["01", amountRules.format],
    [".5", amountRules.format],
    ["5.", amountRules.format],
    ["+1", amountRules.format],
    ["1,5", amountRules.format],
    [true, amountRules.type],
    [null, amountRules.type],
    [["1"], amountRules.type],
  ] as const)("%p (%s)", (input, rule) => {
    const r = checkBtcAmount(input)
    expect(r.ok ? "accepted" : r.rule).toBe(rule)
  })
})
