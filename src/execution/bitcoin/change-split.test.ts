import { describe, expect, test } from "bun:test"
import { changeSplit, type SplitInput } from "./change-split.ts"

/** 100 vB with no change output, 34 vB per change output, at 1 sat/vB; pieces at least 10,000 sat. */
const input = (change: bigint, wanted: number, extra: Partial<SplitInput> = {}): SplitInput => ({
  change,
  changeDust: 546n,
  satPerVbyte: 1,
  wanted,
  floor: () => 10_000n,
  weightOf: (n) => 4 * (100 + 34 * n),
  fits: () => true,
  ...extra,
})

describe("changeSplit", () => {
  test.each([
    // name, change, wanted, extra, pieces expected (undefined: no change output)
    ["nothing wanted: one change output", 1_000_000n, 1, {}, [1_000_000n - 134n]],
    ["below zero wanted (enough coins): one", 1_000_000n, -3, {}, [1_000_000n - 134n]],
    ["four wanted: four equal pieces, the last with the odd satoshis", 1_000_001n, 4, {}, [249_941n, 249_941n, 249_941n, 249_942n]],
    ["the floor allows three of the sixteen wanted", 30_300n, 16, {}, [10_032n, 10_032n, 10_034n]],
    ["the floor allows none beyond one", 19_000n, 16, {}, [19_000n - 134n]],
    ["the limits allow two", 1_000_000n, 16, { fits: (w: number) => w <= 4 * (100 + 34 * 2) }, [499_916n, 499_916n]],
    ["the remainder is dust: no change output, it goes to the fee", 600n, 16, {}, undefined],
  ] as const)("%s", (_name, change, wanted, extra, pieces) => {
    const split = changeSplit(input(change, wanted, extra))
    expect(split?.pieces).toEqual(pieces === undefined ? undefined : [...pieces])
    if (split) {
      expect(split.vsize).toBe(100 + 34 * split.pieces.length)
      expect(split.fee + split.pieces.reduce((a, p) => a + p, 0n)).toBe(change)
    }
  })
})
