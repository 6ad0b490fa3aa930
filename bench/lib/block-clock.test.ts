import { describe, expect, test } from "bun:test"
import { minedRate, reachedAt } from "./block-clock.ts"

describe("reachedAt", () => {
  const blocks = [
    { number: 12, seenAt: 3_050, transactions: 400 },
    { number: 10, seenAt: 1_020, transactions: 1_428 },
    { number: 11, seenAt: 2_010, transactions: 1_428 },
  ]
  test("is when the block that completes the count was seen, in block order", () => {
    expect(reachedAt(blocks, 1_428)).toBe(1_020)
    expect(reachedAt(blocks, 1_429)).toBe(2_010)
    expect(reachedAt(blocks, 3_256)).toBe(3_050)
  })
  test("is null when the blocks never held that many", () => {
    expect(reachedAt(blocks, 3_257)).toBeNull()
    expect(reachedAt([], 1)).toBeNull()
  })
})

describe("minedRate", () => {
  test("counts per second between the two times", () => {
    expect(minedRate(3_000, 1_000, 3_000)).toBe(1_500)
    expect(minedRate(10, 0, 3_000)).toBe(3.3)
  })
  test("is null without both times, without time between them, or without transactions", () => {
    expect(minedRate(10, null, 3_000)).toBeNull()
    expect(minedRate(10, 1_000, null)).toBeNull()
    expect(minedRate(10, 3_000, 3_000)).toBeNull()
    expect(minedRate(0, 1_000, 3_000)).toBeNull()
  })
})
