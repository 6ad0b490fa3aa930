import { describe, expect, test } from "bun:test"
import { hostShare, makeKeyLimiter } from "./rate-limit.ts"

describe("per-key token buckets", () => {
  test("a key may spend its burst at once, then refills at its rate; other keys are not touched", () => {
    let t = 0
    const limiter = makeKeyLimiter(10, 20, () => t)
    expect(limiter.take("a", 20)).toMatchObject({ ok: true, remaining: 0, resetS: 2 })
    expect(limiter.take("a", 1)).toMatchObject({ ok: false, retryAfterS: 1 })
    expect(limiter.take("b", 5)).toMatchObject({ ok: true, remaining: 15 })
    t = 500
    expect(limiter.take("a", 5)).toMatchObject({ ok: true, remaining: 0 })
    t = 10_000
    expect(limiter.take("a", 1)).toMatchObject({ ok: true, remaining: 19, limit: 20 })
  })

  test("a charge larger than the whole burst can never fit, and says so", () => {
    const limiter = makeKeyLimiter(10, 20, () => 0)
    expect(limiter.take("a", 21)).toMatchObject({ ok: false, retryAfterS: Number.POSITIVE_INFINITY, remaining: 20 })
  })

  test("a refused charge takes nothing", () => {
    const limiter = makeKeyLimiter(1, 3, () => 0)
    expect(limiter.take("a", 2).ok).toBe(true)
    expect(limiter.take("a", 2).ok).toBe(false)
    expect(limiter.take("a", 1)).toMatchObject({ ok: true, remaining: 0 })
  })

  test("each producer host enforces an even share of the deployment's limit", () => {
    expect(hostShare(1000, 2000, 5)).toEqual({ ratePerS: 200, burst: 400 })
    expect(hostShare(3, 2, 5)).toEqual({ ratePerS: 0.6, burst: 1 })
    expect(hostShare(100, 100, 0)).toEqual({ ratePerS: 100, burst: 100 })
  })
})
