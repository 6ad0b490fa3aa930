import { describe, expect, test } from "bun:test"
import { reconcileAfterMs, reconcileEveryMs, stoodStillBefore, timeToReconcile } from "./reconcile-clock.ts"

describe("timeToReconcile", () => {
  test("the first call only starts the clock; then once every interval, per lane", () => {
    const lane = {}
    const other = {}
    expect(timeToReconcile(lane, 1_000)).toBe(false)
    expect(timeToReconcile(lane, 1_000 + reconcileEveryMs - 1)).toBe(false)
    expect(timeToReconcile(lane, 1_000 + reconcileEveryMs)).toBe(true)
    expect(timeToReconcile(lane, 1_000 + reconcileEveryMs + 1)).toBe(false)
    expect(timeToReconcile(other, 1_000 + reconcileEveryMs)).toBe(false)
  })
})

describe("stoodStillBefore", () => {
  test("a record exactly reconcileAfterMs old is taken back; one a millisecond younger is not", () => {
    const now = 100_000
    const before = stoodStillBefore(now)
    expect(now - reconcileAfterMs < before).toBe(true)
    expect(now - reconcileAfterMs + 1 < before).toBe(false)
  })
})
