import { describe, expect, test } from "bun:test"
import type { ProducerPerfResult } from "../lib/kafka-producer-perf.ts"
import { ratioRows } from "../lib/results.ts"
import type { LoadResult } from "./load.ts"
import { intakeReport, type IntakeMeasurements, p99PerWindow } from "./report.ts"

const load = (itemsPerSec: number, latencies: ReadonlyArray<number>): LoadResult => ({
  calls: latencies.length,
  okCalls: latencies.length,
  okItems: latencies.length,
  failures: [],
  wallMs: 1000,
  itemsPerSec,
  latenciesMs: latencies,
  timeline: latencies.map((l, i): readonly [number, number] => [i * 100, l]),
})

const perf = (recordsPerSec: number): ProducerPerfResult => ({ records: 1000, recordsPerSec, mbPerSec: 1, avgLatencyMs: 5, maxLatencyMs: 9, p50Ms: 4, p95Ms: 8, p99Ms: 9, p999Ms: 9 })

const measurements: IntakeMeasurements = {
  sizes: { bodyBytes: 120, singleRecordBytes: 299, batchRecordBytes: 349, statusRecordBytes: 230, key: "bitcoin:default" },
  batchSize: 500,
  single: load(3000, [2, 3, 4, 50]),
  batch: load(9500, [40, 60]),
  paced: load(1490, Array.from({ length: 100 }, (_, i) => (i === 99 ? 30 : 5))),
  pacedTargetRate: 1500,
  cpu: { single: { gateway: 95, bench: 60 }, batch: { gateway: 99, bench: 20 }, paced: { gateway: 40, bench: 30 } },
  reference: { single: perf(8000), batch: perf(10_000), paced: perf(1500) },
  store: { records: 1000, fileMb: 1.2 },
  memory: { peakRssKb: 100 * 1024, hwmKb: 110 * 1024, samples: [[0, 90], [1, 100]] },
  start: { spawnToReadyMs: 420, loggedMs: 400, timeline: [["gateway.ready", 420]], startsMs: [610, 380, 455, 520, 420] },
  durability: { accepted: 110_000, sendtoRecords: 110_000, resultsRecords: 0, metricAccepted: 110_000 },
  loadAverage: { start: [1, 1, 1], end: [2, 1, 1] },
}

describe("intakeReport", () => {
  const report = intakeReport(measurements)
  const rows = ratioRows(report.comparisons)

  test("sets each rate against ProducerPerformance at its record size, with the brief's targets", () => {
    expect(rows.map((r) => [r.measure, r.ratio, r.met])).toEqual([
      ["intake rate, one request per call", 0.375, false],
      ["intake rate, batches of 500", 0.95, true],
      ["accept p99 at half the max single rate", 0.556, true],
      ["gateway RSS under load (VmHWM), 1,000 requests in the store", null, true],
      ["start to ready (median of 5)", null, true],
    ])
    expect(rows[2]?.value).toBe(5)
  })

  test("judges start to ready on the median of the starts, and gives the fastest, the slowest and the loaded one", () => {
    expect(rows[4]?.value).toBe(455)
    const byName = Object.fromEntries(report.figures.map((f) => [f.name, f.value]))
    expect(byName["start to ready (spawn to gateway.ready), median of 5 start(s)"]).toBe(455)
    expect(byName["start to ready, fastest start"]).toBe(380)
    expect(byName["start to ready, slowest start"]).toBe(610)
    expect(byName["start to ready, the start that was loaded"]).toBe(420)
    const slow = ratioRows(intakeReport({ ...measurements, start: { ...measurements.start, startsMs: [610, 380, 555, 520, 420] } }).comparisons)
    expect(slow[4]?.met).toBe(false)
  })

  test("the chart puts gateway and reference side by side with the ratio and target line", () => {
    expect(report.chart).toMatchObject({
      kind: "bar",
      series: ["gateway intake", "ProducerPerformance"],
      groups: [
        { values: [3000, 8000], note: "0.38x", target: { value: 4000 } },
        { values: [9500, 10_000], note: "0.95x", target: { value: 9000 } },
      ],
    })
  })

  test("counts requests accepted but missing from sendto", () => {
    const byName = Object.fromEntries(report.figures.map((f) => [f.name, f.value]))
    expect(byName["accepted but not in sendto"]).toBe(0)
    expect(byName["gateway VmHWM"]).toBe(110)
  })

  test("reports the gateway's event-loop p99 of each phase it was read for, past the last bucket as 1000", () => {
    const withLoop = intakeReport({ ...measurements, cpu: { ...measurements.cpu, single: { ...measurements.cpu.single, loopP99Ms: 25 }, batch: { ...measurements.cpu.batch, loopP99Ms: Number.POSITIVE_INFINITY } } })
    const loop = withLoop.figures.filter((f) => f.name.startsWith("gateway event-loop delay p99"))
    expect(loop.map((f) => [f.name.split(",")[1]?.split("(")[0]?.trim(), f.value])).toEqual([["single phase", 25], ["batch phase", 1000]])
    expect(report.figures.some((f) => f.name.startsWith("gateway event-loop"))).toBe(false)
  })
})

describe("p99PerWindow", () => {
  test("one nearest-rank p99 per window, in time order", () => {
    expect(p99PerWindow([[2500, 7], [100, 1], [900, 3], [1100, 9]])).toEqual([[0, 3], [1, 9], [2, 7]])
  })
})
