import { describe, expect, test } from "bun:test"
import type { DirectRunResult } from "../lib/direct-node.ts"
import { ratioRows } from "../lib/results.ts"
import { nodeDirectReport } from "./run.ts"

const step = (concurrency: number, ratePerSec: number, failed = 0): DirectRunResult => ({
  concurrency,
  callsPerWorker: 10,
  attempted: concurrency * 10,
  succeeded: concurrency * 10 - failed,
  failed,
  failures: failed === 0 ? [] : [{ tag: "NodeOverloaded", detail: "too many clients", count: failed }],
  wallMs: 1000,
  ratePerSec,
  latencyMs: failed === concurrency * 10 ? null : { count: 10, min: 1, mean: 2, p50: 2, p90: 3, p99: 4, max: 5 },
  peakInFlight: concurrency,
  completionsMs: [1, 2, 3],
})

describe("nodeDirectReport", () => {
  const bitcoin = [step(1, 50), step(4, 120), step(16, 90, 12)]
  const report = nodeDirectReport(
    [{ chain: "bitcoin", call: "sendfrom(...)", ladder: { steps: bitcoin, best: bitcoin[1] ?? step(0, 0) } }],
    [1, 4, 16],
  )

  test("each rate is a ratio against concurrency 1, without a target", () => {
    expect(ratioRows(report.comparisons).map((r) => [r.measure, r.ratio, r.referenceName, r.met])).toEqual([
      ["bitcoin rate at c=1", 1, "c=1", null],
      ["bitcoin rate at c=4", 2.4, "c=1", null],
      ["bitcoin rate at c=16", 1.8, "c=1", null],
    ])
  })

  test("figures name the best concurrency and count failures", () => {
    const byName = Object.fromEntries(report.figures.map((f) => [f.name, f.value]))
    expect(byName["bitcoin best concurrency"]).toBe(4)
    expect(byName["bitcoin best rate"]).toBe(120)
    expect(byName["bitcoin failures at c=16"]).toBe(12)
    expect(byName["bitcoin p99 at c=4"]).toBe(4)
  })

  test("the chart plots rate per concurrency on the ladder's own ticks", () => {
    expect(report.chart).toMatchObject({ kind: "line", xTicks: [1, 4, 16], series: [{ name: "bitcoin", points: [[1, 50], [4, 120], [16, 90]] }] })
  })

  test("details keep the failures but not every completion time", () => {
    const details = JSON.stringify(report.details)
    expect(details).toContain('"too many clients"')
    expect(details).not.toContain("completionsMs")
  })
})
