import { describe, expect, test } from "bun:test"
import { ratioAtLeast, ratioAtMost, ratioOf, type Target, targetMet, targetText, valueAtLeast, valueAtMost } from "./target.ts"

describe("targets", () => {
  const cases: ReadonlyArray<readonly [string, Target, string, number, number | null, boolean | null]> = [
    ["intake one-per-call reaches 0.5x", ratioAtLeast(0.5), ">= 0.5x", 4900, 0.5, true],
    ["intake one-per-call misses 0.5x", ratioAtLeast(0.5), ">= 0.5x", 4800, 0.49, false],
    ["burst node p99 within 2x idle", ratioAtMost(2), "<= 2x", 30, 2, true],
    ["burst node p99 over 2x idle", ratioAtMost(2), "<= 2x", 31, 2.07, false],
    ["accept p99 under 20 ms", valueAtMost(20), "<= 20 ms", 19.9, null, true],
    ["accept p99 over 20 ms", valueAtMost(20), "<= 20 ms", 20.1, null, false],
    ["exactly once: 1000 of 1000", valueAtLeast(1000), ">= 1000 requests", 1000, null, true],
    ["a ratio target with no reference is not judged", ratioAtLeast(0.9), ">= 0.9x", 100, null, null],
  ]
  test.each(cases)("%s", (_name, target, text, value, ratio, met) => {
    const unit = target.kind === "value-at-least" ? "requests" : "ms"
    expect({ text: targetText(target, unit), met: targetMet(target, value, ratio) }).toEqual({ text, met })
  })

  test("ratioOf", () => {
    expect(ratioOf(50, 200)).toBe(0.25)
    expect(ratioOf(50, 0)).toBeNull()
    expect(ratioOf(50, null)).toBeNull()
  })
})
