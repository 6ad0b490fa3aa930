/** The loop-delay ticks, read from the registry's own `/metrics` text after the loop was held busy. */
import { describe, expect, test } from "bun:test"
import { lateness, monitorEventLoopDelay, summarize, tickMs } from "./event-loop-delay.ts"
import { makeMetrics } from "./metrics.ts"

const bucket = (text: string, le: string): number => Number(new RegExp(`^gateway_event_loop_delay_seconds_bucket\\{le="${le.replace(".", "\\.")}"\\} (\\d+)$`, "m").exec(text)?.[1] ?? Number.NaN)
const count = (text: string): number => Number(/^gateway_event_loop_delay_seconds_count (\d+)$/m.exec(text)?.[1] ?? Number.NaN)

describe("lateness", () => {
  test.each([
    ["on time", 100, 100, 0],
    ["30 ms late", 100, 130, 0.03],
    ["early (a clock that stepped) counts as on time", 100, 90, 0],
  ] as const)("%s", (_label, dueAt, ranAt, expected) => expect(lateness(dueAt, ranAt)).toBeCloseTo(expected, 6))
})

describe("summarize", () => {
  test("p99 and max of a window; none is zeros", () => {
    expect(summarize([])).toEqual({ p99Ms: 0, maxMs: 0 })
    expect(summarize([3, 1, 2])).toEqual({ p99Ms: 3, maxMs: 3 })
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(summarize(hundred)).toEqual({ p99Ms: 99, maxMs: 100 })
  })
})

describe("monitorEventLoopDelay", () => {
  test("ticks are counted, and a loop held busy for 150 ms shows a tick at least 100 ms late", async () => {
    const metrics = makeMetrics()
    const monitor = monitorEventLoopDelay(metrics)
    try {
      await Bun.sleep(tickMs * 6)
      const idle = metrics.render()
      expect(count(idle)).toBeGreaterThanOrEqual(3)
      const until = performance.now() + 150
      while (performance.now() < until) {
        // hold the thread, as a long synchronous step does
      }
      await Bun.sleep(tickMs * 3)
      const busy = metrics.render()
      expect(count(busy) - bucket(busy, "0.1")).toBeGreaterThanOrEqual(1)
      expect(busy).toContain("# TYPE gateway_event_loop_delay_seconds histogram")
      const recent = monitor.recent()
      expect(recent.maxMs).toBeGreaterThanOrEqual(100)
      expect(recent.ticks).toBe(count(busy))
    } finally {
      monitor.stop()
    }
  })

  test("stopping ends the ticks", async () => {
    const metrics = makeMetrics()
    monitorEventLoopDelay(metrics).stop()
    await Bun.sleep(tickMs * 3)
    expect(count(metrics.render())).toBeNaN()
  })
})
