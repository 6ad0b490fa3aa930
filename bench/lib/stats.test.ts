import { describe, expect, test } from "bun:test"
import { percentile, rateSeries, ratePerSecond, round, sortedCopy, summarize } from "./stats.ts"

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1)
  const cases: ReadonlyArray<readonly [ReadonlyArray<number>, number, number | undefined]> = [
    [hundred, 0.5, 50],
    [hundred, 0.9, 90],
    [hundred, 0.99, 99],
    [hundred, 1, 100],
    [hundred, 0.001, 1],
    [hundred, 0.07, 7],
    [[7], 0.5, 7],
    [[7], 0.99, 7],
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4], 0.51, 3],
    [[10, 20, 30], 0.9, 30],
    [[], 0.5, undefined],
  ]
  test.each(cases)("%p at %p is %p", (sorted, q, expected) => {
    expect(percentile(sorted, q)).toBe(expected)
  })

  test("rejects q outside (0, 1]", () => {
    expect(() => percentile([1], 0)).toThrow("q must be in (0, 1]")
    expect(() => percentile([1], 1.5)).toThrow("q must be in (0, 1]")
  })
})

describe("summarize", () => {
  test("exact figures of a shuffled 1..1000", () => {
    const samples = Array.from({ length: 1000 }, (_, i) => ((i * 337) % 1000) + 1)
    expect(summarize(samples)).toEqual({ count: 1000, min: 1, mean: 500.5, p50: 500, p90: 900, p99: 990, max: 1000 })
  })

  test("a long tail shows in p99 and max but not p50", () => {
    const samples = [...new Array<number>(98).fill(2), 50, 400]
    expect(summarize(samples)).toEqual({ count: 100, min: 2, mean: 6.46, p50: 2, p90: 2, p99: 50, max: 400 })
  })

  test("sorts numerically, not as strings, and leaves the input alone", () => {
    const samples = [10, 9, 100, 1]
    expect(sortedCopy(samples)).toEqual([1, 9, 10, 100])
    expect(samples).toEqual([10, 9, 100, 1])
  })

  test("no samples is null, not zeros", () => {
    expect(summarize([])).toBeNull()
  })
})

describe("rates", () => {
  test("ratePerSecond", () => {
    expect(ratePerSecond(500, 250)).toBe(2000)
    expect(ratePerSecond(3, 0)).toBe(0)
  })

  test("rateSeries buckets completions per second, empty seconds included", () => {
    const times = [0, 100, 999, 1000, 2500, 2600, 2999]
    expect(rateSeries(times, 4000)).toEqual([
      [0, 3],
      [1, 1],
      [2, 3],
      [3, 0],
    ])
  })

  test("rateSeries with half-second buckets reports per-second rates", () => {
    expect(rateSeries([0, 100, 600], 1000, 500)).toEqual([
      [0, 4],
      [0.5, 2],
    ])
  })

  test("round", () => {
    expect(round(1.23456)).toBe(1.23)
    expect(round(1.235, 1)).toBe(1.2)
    expect(round(1234.5, 0)).toBe(1235)
  })
})
