import { describe, expect, test } from "bun:test"
import { makeMetrics } from "./metrics.ts"

describe("metrics registry", () => {
  test("a series is one per label set, whatever order the names come in", () => {
    const m = makeMetrics()
    const c = m.counter("gateway_test_total", "test")
    c.inc({ route: "/v1/requests", code: "202" })
    c.inc({ code: "202", route: "/v1/requests" }, 2)
    c.inc()
    expect(m.render()).toContain('gateway_test_total{code="202",route="/v1/requests"} 3')
    expect(m.render()).toContain("gateway_test_total 1")
  })

  test("label values are escaped as the exposition format says: backslash, quote, newline", () => {
    const m = makeMetrics()
    m.gauge("gateway_test_gauge", "test").set(7, { reason: 'a "b"\\c\nd' })
    expect(m.render()).toContain('gateway_test_gauge{reason="a \\"b\\"\\\\c\\nd"} 7')
  })

  test("a gauge's add and set share the series of one label set", () => {
    const m = makeMetrics()
    const g = m.gauge("gateway_test_level", "test")
    g.set(5, { node: "n1" })
    g.add(-2, { node: "n1" })
    expect(m.render()).toContain('gateway_test_level{node="n1"} 3')
  })

  test("a histogram counts into every bucket at or above the value", () => {
    const m = makeMetrics()
    m.histogram("gateway_test_seconds", "test", [0.1, 1]).observe(0.5, { route: "r" })
    const text = m.render()
    expect(text).toContain('gateway_test_seconds_bucket{route="r",le="0.1"} 0')
    expect(text).toContain('gateway_test_seconds_bucket{route="r",le="1"} 1')
    expect(text).toContain('gateway_test_seconds_bucket{route="r",le="+Inf"} 1')
  })
})
