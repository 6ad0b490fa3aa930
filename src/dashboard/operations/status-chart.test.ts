import { describe, expect, test } from "bun:test"
import type { RequestStatus } from "../../domain/status.ts"
import { chartGeometry, type ChartBox, niceCeiling, statusChartSvg } from "./status-chart.ts"
import type { StatusSample } from "../../status/status-series.ts"

const zero: Record<RequestStatus, number> = { accepted: 0, intent: 0, signed: 0, submitted: 0, confirmed: 0, failed: 0, dlq: 0, cancelled: 0 }
const sample = (at: number, counts: Partial<Record<RequestStatus, number>>): StatusSample => ({ at, counts: { ...zero, ...counts } })
// A 100 × 100 plot from (10, 0), so points read as percentages.
const box: ChartBox = { width: 110, height: 110, left: 10, bottom: 10, top: 0, right: 0 }

describe("niceCeiling", () => {
  const cases: ReadonlyArray<readonly [number, number]> = [[0, 1], [1, 1], [2, 2], [3, 5], [7, 10], [10, 10], [11, 20], [199, 200], [201, 500], [501, 1000], [4000, 5000]]
  for (const [n, want] of cases) test(`${n} → ${want}`, () => expect(niceCeiling(n)).toBe(want))
})

describe("chartGeometry", () => {
  test("time runs left to right and counts bottom to top, against the nice maximum", () => {
    const g = chartGeometry([sample(1_000, { accepted: 200 }), sample(2_000, { accepted: 100, confirmed: 100 }), sample(3_000, { confirmed: 200 })], box)
    expect(g.yMax).toBe(200)
    const line = (s: RequestStatus) => g.lines.find((l) => l.status === s)
    expect(line("accepted")?.points).toEqual([{ x: 10, y: 0 }, { x: 60, y: 50 }, { x: 110, y: 100 }])
    expect(line("confirmed")?.points).toEqual([{ x: 10, y: 100 }, { x: 60, y: 50 }, { x: 110, y: 0 }])
    expect(line("confirmed")?.last).toBe(200)
  })

  test("one sample sits at the right edge", () => {
    const g = chartGeometry([sample(5, { failed: 1 })], box)
    expect(g.lines.find((l) => l.status === "failed")?.points).toEqual([{ x: 110, y: 0 }])
  })

  test("uneven spacing is kept: x follows the sample times", () => {
    const g = chartGeometry([sample(0, {}), sample(10, {}), sample(100, {})], box)
    expect(g.lines[0]?.points.map((p) => p.x)).toEqual([10, 20, 110])
  })

  test("intent and cancelled are drawn only when some sample has one", () => {
    expect(chartGeometry([sample(1, { accepted: 1 })], box).lines.map((l) => l.status)).toEqual(["accepted", "signed", "submitted", "confirmed", "failed", "dlq"])
    expect(chartGeometry([sample(1, { intent: 1 })], box).lines.map((l) => l.status)).toContain("intent")
    expect(chartGeometry([sample(1, {}), sample(2, { cancelled: 1 })], box).lines.map((l) => l.status)).toContain("cancelled")
  })

  test("no samples: empty lines, a unit axis", () => {
    const g = chartGeometry([], box)
    expect(g.yMax).toBe(1)
    expect(g.lines.every((l) => l.points.length === 0)).toBe(true)
  })
})

describe("statusChartSvg", () => {
  test("one polyline per status with one point per sample, and the sample count on the element", () => {
    const svg = statusChartSvg([sample(1_000, { accepted: 3 }), sample(6_000, { confirmed: 3 })]).text
    expect(svg).toContain('data-samples="2"')
    const polylines = [...svg.matchAll(/<polyline data-status="(\w+)"[^>]* points="([^"]*)"/g)]
    expect(polylines.map((m) => m[1])).toEqual(["accepted", "signed", "submitted", "confirmed", "failed", "dlq"])
    for (const m of polylines) expect(m[2]?.split(" ")).toHaveLength(2)
    expect(svg).toContain('data-status="confirmed" data-last="3"')
  })

  test("an empty series says it waits for the first sample", () => {
    expect(statusChartSvg([]).text).toContain("no sample yet")
  })
})
