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
    // A render after 20 MB more is held shows more heap: the values are read at render, not at registration.
    const held = Array.from({ length: 200_000 }, (_, i) => ({ i, s: `item-${i}` }))
    expect(valueOf(metrics.render(), 'gateway_js_heap_bytes{kind="used"}')).toBeGreaterThan(valueOf(first, 'gateway_js_heap_bytes{kind="used"}') ?? 0)
    expect(held.length).toBe(200_000)
  })
})
