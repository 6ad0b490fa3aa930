import { describe, expect, test } from "bun:test"
import { adapt, defaultPolicy, initialAdaptive, type AdaptiveState } from "./adaptive-limit.ts"

const policy = { ...defaultPolicy(8), growAfter: 3 }
/** A call sent at `startedAt` that took `latencyMs`. */
const ok = (latencyMs: number, startedAt = 0) => ({ _tag: "ok" as const, latencyMs, startedAt })
const overloaded = (startedAt = 0) => ({ _tag: "overloaded" as const, startedAt })
const state = (limit: number, baselineMs: number | undefined, streak = 0): AdaptiveState => ({ limit, baselineMs, streak, loweredAt: Number.NEGATIVE_INFINITY })

describe("adaptive limit", () => {
  test("halves on overload, never below 1", () => {
    let s: AdaptiveState = initialAdaptive(8)
    s = adapt(s, overloaded(0), policy, 1)
    expect(s.limit).toBe(4)
    for (const t of [2, 4, 6]) s = adapt(s, overloaded(t), policy, t + 1)
    expect(s.limit).toBe(1)
  })
  test("grows by one after a healthy streak, never above the configured cap", () => {
    let s = state(6, 10)
    for (let i = 0; i < 3; i++) s = adapt(s, ok(10), policy, 10)
    expect(s.limit).toBe(7)
    for (let i = 0; i < 30; i++) s = adapt(s, ok(10), policy, 10)
    expect(s.limit).toBe(8)
  })
  test("a call far slower than the baseline halves the cap; the baseline hardly moves", () => {
    const s = adapt(state(8, 10, 2), ok(31, 5), policy, 36)
    expect(s.limit).toBe(4)
    expect(s.streak).toBe(0)
    expect(s.loweredAt).toBe(36)
    expect(s.baselineMs).toBeCloseTo(10 + 0.0125 * 21, 5)
  })
  test("calls sent before the cap was lowered cannot lower it again", () => {
    // Eight calls sent together under a cap of 8, all slow: one halving, not eight.
    let s = state(8, 2)
    for (let i = 0; i < 8; i++) s = adapt(s, ok(40, 0), policy, 40 + i)
    expect(s.limit).toBe(4)
    expect(s.loweredAt).toBe(40)
    // Overloads sent under the old cap do not count again either.
    s = adapt(s, overloaded(39), policy, 50)
    expect(s.limit).toBe(4)
    // A slow call sent under the new cap does.
    s = adapt(s, ok(40, 41), policy, 81)
    expect(s.limit).toBe(2)
  })
  test("a lasting slowdown becomes the new baseline instead of holding the cap at 1", () => {
    // One call after another, each 30 ms, against an idle baseline of 2 ms.
    let s = state(8, 2)
    let t = 0
    let lowest = s.limit
    for (let i = 0; i < 400; i++) {
      s = adapt(s, ok(30, t), { ...defaultPolicy(8) }, t + 30)
      t += 30
      lowest = Math.min(lowest, s.limit)
    }
    expect(lowest).toBe(1)
    expect(s.limit).toBe(8)
    expect(s.baselineMs).toBeGreaterThan(10)
  })
  test("moderately slower calls only move the baseline", () => {
    const s = adapt(state(8, 10), ok(20), policy, 20)
    expect(s.limit).toBe(8)
    expect(s.baselineMs).toBeCloseTo(10.5, 5)
  })
  test("the first sample sets the baseline", () => {
    expect(adapt(initialAdaptive(8), ok(12), policy, 12).baselineMs).toBe(12)
  })
})
