import { describe, expect, test } from "bun:test"
import type { MetricSample } from "./gateway-under-test.ts"
import { loopDelayBetween, loopFigureMs } from "./loop-delay.ts"

const scrape = (counts: Readonly<Record<string, number>>): MetricSample[] =>
  Object.entries(counts).map(([le, value]) => ({ name: "gateway_event_loop_delay_seconds_bucket", labels: { le }, value }))

describe("loopDelayBetween", () => {
  test("counts only the window's ticks, and finds the bucket of the 99th percentile", () => {
    const before = scrape({ "0.001": 90, "0.01": 100, "0.05": 100, "0.1": 100, "+Inf": 100 })
    // 200 ticks in the window: 150 within 1 ms, 40 more within 10 ms, 6 more within 50 ms, 3 more within 100 ms, 1 later.
    const after = scrape({ "0.001": 240, "0.01": 290, "0.05": 296, "0.1": 299, "+Inf": 300 })
    expect(loopDelayBetween(before, after)).toEqual({ ticks: 200, p99Ms: 100, lateShare: 4 / 200 })
  })

  test("a 99th percentile past the last bound is Infinity", () => {
    const after = scrape({ "0.001": 10, "0.05": 10, "1": 10, "+Inf": 20 })
    expect(loopDelayBetween([], after)?.p99Ms).toBe(Number.POSITIVE_INFINITY)
  })

  test("no ticks (a gateway without the histogram) is undefined", () => {
    expect(loopDelayBetween([], [])).toBeUndefined()
    expect(loopDelayBetween(scrape({ "+Inf": 5 }), scrape({ "+Inf": 5 }))).toBeUndefined()
  })
})

describe("loopFigureMs", () => {
  test("a bound to a tenth of a ms; past the last bucket, 1000", () => {
    expect(loopFigureMs(2.5)).toBe(2.5)
    expect(loopFigureMs(0.1 * 3)).toBe(0.3)
    expect(loopFigureMs(Number.POSITIVE_INFINITY)).toBe(1000)
  })
})
