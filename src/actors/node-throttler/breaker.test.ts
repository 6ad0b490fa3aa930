import { describe, expect, test } from "bun:test"
import { admits, closedBreaker, transition, type BreakerState } from "./breaker.ts"

const limits = { failures: 3, resetMs: 1000 }
const fail = (s: BreakerState, now = 0) => transition(s, { _tag: "failure", now }, limits)

describe("breaker", () => {
  test("opens after the configured consecutive failures, not before", () => {
    const two = fail(fail(closedBreaker))
    expect(two).toEqual({ _tag: "closed", failures: 2 })
    expect(admits(two)).toBe(true)
    const three = fail(two, 50)
    expect(three).toEqual({ _tag: "open", until: 1050 })
    expect(admits(three)).toBe(false)
  })
  test("a success resets the failure count", () => {
    expect(transition(fail(closedBreaker), { _tag: "success" }, limits)).toEqual(closedBreaker)
  })
  test("stays open until the reset time, then half-opens", () => {
    const open = fail(fail(fail(closedBreaker)), 0)
    expect(transition(open, { _tag: "tick", now: 999 }, limits)).toEqual(open)
    expect(transition(open, { _tag: "tick", now: 1000 }, limits)).toEqual({ _tag: "half-open" })
  })
  test("half-open closes on success and reopens on failure", () => {
    const half: BreakerState = { _tag: "half-open" }
    expect(transition(half, { _tag: "success" }, limits)).toEqual(closedBreaker)
    expect(transition(half, { _tag: "failure", now: 10 }, limits)).toEqual({ _tag: "open", until: 1010 })
  })
})
