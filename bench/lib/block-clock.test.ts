import { describe, expect, test } from "bun:test"
import { blockFill, minedRate, reachedAt } from "./block-clock.ts"

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

describe("blockFill", () => {
  const at = (number: number, seconds: number, transactions: number) => ({ number, seenAt: 10_000 + seconds * 1000, transactions })

  test("splits the blocks of a pass into the ramp before the first full block, the dips after it, and the rest", () => {
    // 66 and 86 while the pass starts, full, a dip, full, then what is left; a later empty block is not the pass's.
    // Block 2 came before the pass started.
    const seen = [at(5, 2, 1_428), at(3, 0.5, 66), at(2, -0.3, 0), at(4, 1.5, 86), at(6, 3, 700), at(7, 4, 1_428), at(8, 5, 292), at(9, 6, 0)]
    expect(blockFill(seen, 4_000, 10_000, 1_428)).toEqual({
      blocks: 6,
      fewest: 3,
      ramp: 2,
      dips: 1,
      perBlock: [[0.5, 66], [1.5, 86], [2, 1_428], [3, 700], [4, 1_428], [5, 292]],
    })
  })

  test("a pass whose blocks never held it all counts every block seen, and none full is all ramp", () => {
    expect(blockFill([at(1, 1, 10), at(2, 2, 20)], 100, 10_000, 1_428)).toMatchObject({ blocks: 2, fewest: 1, ramp: 2, dips: 0 })
    expect(blockFill([], 100, 10_000, 1_428)).toMatchObject({ blocks: 0, ramp: 0, dips: 0, perBlock: [] })
  })
})
