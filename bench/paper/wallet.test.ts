import { describe, expect, test } from "bun:test"
import { checkPayments, distinctAmounts, sendsTo } from "./wallet.ts"

describe("the wallet check", () => {
  test("distinct amounts step by one satoshi", () => {
    expect(distinctAmounts(0.001, 3)).toEqual(["0.00100000", "0.00100001", "0.00100002"])
  })

  test("only sends to the address count, as positive 8-decimal amounts", () => {
    const entries = [
      { category: "send", address: "S1", amount: -0.001, txid: "a" },
      { category: "receive", address: "S1", amount: 0.001, txid: "a" },
      { category: "send", address: "S2", amount: -0.002, txid: "b" },
    ]
    expect(sendsTo(entries, "S1")).toEqual([{ amount: "0.00100000", txid: "a" }])
  })

  test("delivered, exactly once, duplicates, missing and unexpected; the funding is ignored", () => {
    const requested = ["0.00100000", "0.00100001", "0.00100002"]
    const check = checkPayments(
      requested,
      [
        { amount: "0.00100000", txid: "a" },
        { amount: "0.00100001", txid: "b" },
        { amount: "0.00100001", txid: "c" },
        { amount: "20.00000000", txid: "fund" },
        { amount: "0.5", txid: "z" },
      ],
      ["fund"],
    )
    expect(check).toMatchObject({ requested: 3, delivered: 2, exactlyOnce: 1, duplicated: 1, extraPayments: 1, missing: 1, unexpected: 1 })
    expect(check.duplicateSamples).toEqual([{ amount: "0.00100001", times: 2 }])
  })
})
