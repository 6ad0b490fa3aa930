/**
 * The process's own figures on `/metrics`, read at each scrape: resident memory (the
 * intake's memory target is stated in it), the JavaScript heap, memory held outside it
 * (buffers), and the start time. Names follow Prometheus' process-metric conventions
 * where one exists.
 */
import type { MetricsRegistry } from "./metrics.ts"

/** Declares the process gauges in `metrics` and keeps them current at every render. */
export const registerProcessMetrics = (metrics: MetricsRegistry, startedAtMs: number = Date.now() - performance.now()): void => {
  const rss = metrics.gauge("process_resident_memory_bytes", "Resident memory of the process, in bytes.")
  const heap = metrics.gauge("gateway_js_heap_bytes", "The JavaScript heap, in bytes: `used` by live and not yet collected objects, `total` reserved.")
  const external = metrics.gauge("gateway_js_external_bytes", "Memory the JavaScript engine tracks outside its heap (buffers, array buffers), in bytes.")
  const started = metrics.gauge("process_start_time_seconds", "When the process started, in seconds since the Unix epoch.")
  started.set(Math.round(startedAtMs) / 1000)
  metrics.beforeRender(() => {
    const m = process.memoryUsage()
    rss.set(m.rss)
    heap.set(m.heapUsed, { kind: "used" })
    heap.set(m.heapTotal, { kind: "total" })
    external.set(m.external)
  })
}
