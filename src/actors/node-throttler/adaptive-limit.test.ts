import { describe, expect, test } from "bun:test"
import { adapt, defaultPolicy, initialAdaptive, type AdaptiveState } from "./adaptive-limit.ts"

const policy = { ...defaultPolicy(8), growAfter: 3 }
const ok = (latencyMs: number) => ({ _tag: "ok" as const, latencyMs })

describe("adaptive limit", () => {
  test("halves on overload, never below 1", () => {
    let s: AdaptiveState = initialAdaptive(8)
    s = adapt(s, { _tag: "overloaded" }, policy)
    expect(s.limit).toBe(4)
    s = adapt(adapt(adapt(s, { _tag: "overloaded" }, policy), { _tag: "overloaded" }, policy), { _tag: "overloaded" }, policy)
    expect(s.limit).toBe(1)
  })
  test("grows by one after a healthy streak, never above the configured cap", () => {
    let s: AdaptiveState = { limit: 6, baselineMs: 10, streak: 0 }
    for (let i = 0; i < 3; i++) s = adapt(s, ok(10), policy)
    expect(s.limit).toBe(7)
    for (let i = 0; i < 30; i++) s = adapt(s, ok(10), policy)
    expect(s.limit).toBe(8)
  })
  test("a call far slower than the baseline shrinks the cap and keeps the baseline", () => {
    const s = adapt({ limit: 8, baselineMs: 10, streak: 2 }, ok(31), policy)
    expect(s).toEqual({ limit: 4, baselineMs: 10, streak: 0 })
  })
  test("moderately slower calls only move the baseline", () => {
    const s = adapt({ limit: 8, baselineMs: 10, streak: 0 }, ok(20), policy)
    expect(s.limit).toBe(8)
    expect(s.baselineMs).toBeCloseTo(10.5, 5)
  })
  test("the first sample sets the baseline", () => {
    expect(adapt(initialAdaptive(8), ok(12), policy).baselineMs).toBe(12)
  })
})
