import { describe, expect, test } from "bun:test"
import { makeMetrics } from "./metrics.ts"
import { registerProcessMetrics } from "./process-metrics.ts"

const valueOf = (text: string, series: string): number | undefined => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe("process metrics", () => {
  test("memory and start time are on /metrics, read at each render", () => {
    const metrics = makeMetrics()
    registerProcessMetrics(metrics, 1_796_000_000_000)
    const first = metrics.render()
    expect(first).toContain("# TYPE process_resident_memory_bytes gauge")
    expect(valueOf(first, "process_resident_memory_bytes")).toBeGreaterThan(1_000_000)
    expect(valueOf(first, 'gateway_js_heap_bytes{kind="used"}')).toBeGreaterThan(0)
    // Bun's heapUsed counts more than the capacity heapTotal reports, so the two are not ordered.
    expect(valueOf(first, 'gateway_js_heap_bytes{kind="total"}')).toBeGreaterThan(0)
    expect(valueOf(first, "gateway_js_external_bytes")).toBeGreaterThanOrEqual(0)
    expect(valueOf(first, "process_start_time_seconds")).toBe(1_796_000_000)
  })

  test("samplers run at every render, before the series are written", () => {
    const metrics = makeMetrics()
    const renders = metrics.gauge("test_renders", "Renders so far.")
    let n = 0
    metrics.beforeRender(() => renders.set(++n))
    expect(valueOf(metrics.render(), "test_renders")).toBe(1)
    expect(valueOf(metrics.render(), "test_renders")).toBe(2)
  })
})
