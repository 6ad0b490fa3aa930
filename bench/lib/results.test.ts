import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type BenchReport, fileTimestamp, formatFigure, type ResultDocument, ratioRows, ratioTable, resultDocument, type RunRecord, writeResults } from "./results.ts"
import { ratioAtLeast, valueAtMost } from "./target.ts"

const RECORD: RunRecord = {
  bench: "intake-rate",
  startedAt: new Date("2025-11-21T15:40:12.345Z"),
  finishedAt: new Date("2025-11-21T15:41:02.000Z"),
  commandLine: ["gateway", "bench", "intake-rate", "--records", "20000"],
  commit: "3bf5b6f0000000000000000000000000000000aa",
  machine: { cores: 2, cpuModel: "test cpu", memoryBytes: 1024, platform: "linux", arch: "x64", bunVersion: "1.4.5" },
  parameters: { records: 20000, recordSize: 512 },
}

const REPORT: BenchReport = {
  figures: [
    { name: "intake rate", unit: "records/s", value: 4321 },
    { name: "reference rate", unit: "records/s", value: 9876.5 },
  ],
  comparisons: [
    { measure: "intake, one per call", unit: "records/s", value: 4321, reference: 9876.5, referenceName: "ProducerPerformance", target: ratioAtLeast(0.5) },
    { measure: "accept p99", unit: "ms", value: 12.5, reference: null, target: valueAtMost(20) },
    { measure: "informational", unit: "calls/s", value: 10, reference: 5 },
  ],
  chart: { kind: "bar", title: "intake", yLabel: "records/s", series: ["gateway", "reference"], groups: [{ label: "one per call", values: [4321, 9876.5] }] },
  details: { steps: [1, 2] },
}

describe("ratioRows", () => {
  test("each comparison becomes a ratio with its target and verdict", () => {
    expect(ratioRows(REPORT.comparisons)).toEqual([
      {
        measure: "intake, one per call",
        unit: "records/s",
        value: 4321,
        reference: 9876.5,
        referenceName: "ProducerPerformance",
        ratio: 0.438,
        target: { kind: "ratio-at-least", bound: 0.5, text: ">= 0.5x" },
        met: false,
      },
      { measure: "accept p99", unit: "ms", value: 12.5, reference: null, referenceName: null, ratio: null, target: { kind: "value-at-most", bound: 20, text: "<= 20 ms" }, met: true },
      { measure: "informational", unit: "calls/s", value: 10, reference: 5, referenceName: null, ratio: 2, target: null, met: null },
    ])
  })
})

describe("resultDocument", () => {
  test("carries the run record, figures, ratios, chart and details", () => {
    const doc = resultDocument(RECORD, REPORT)
    expect({ ...doc, ratios: doc.ratios.length }).toEqual({
      bench: "intake-rate",
      startedAt: "2025-11-21T15:40:12.345Z",
      finishedAt: "2025-11-21T15:41:02.000Z",
      durationMs: 49655,
      commandLine: RECORD.commandLine,
      commit: RECORD.commit,
      machine: RECORD.machine,
      parameters: RECORD.parameters,
      figures: REPORT.figures,
      ratios: 3,
      chart: REPORT.chart ?? null,
      details: { steps: [1, 2] },
    })
  })

  test("fileTimestamp is compact, UTC and sortable", () => {
    expect(fileTimestamp(RECORD.startedAt)).toBe("20251121T154012Z")
  })
})

describe("writeResults", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-results-test-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test("writes the timestamped and latest JSON and the latest SVG, creating the folder", async () => {
    const out = join(dir, "bench", "results")
    const paths = await writeResults(resultDocument(RECORD, REPORT), out)
    expect(paths).toEqual({
      json: join(out, "intake-rate-20251121T154012Z.json"),
      latestJson: join(out, "intake-rate-latest.json"),
      latestSvg: join(out, "intake-rate-latest.svg"),
    })
    expect(readdirSync(out).sort()).toEqual(["intake-rate-20251121T154012Z.json", "intake-rate-latest.json", "intake-rate-latest.svg"])
    const stored = (await Bun.file(paths.latestJson).json()) as ResultDocument
    expect(stored.ratios[0]?.ratio).toBe(0.438)
    expect(await Bun.file(paths.json).text()).toBe(await Bun.file(paths.latestJson).text())
    expect(await Bun.file(join(out, "intake-rate-latest.svg")).text()).toStartWith("<svg ")
  })

  test("no chart, no SVG", async () => {
    const { chart: _chart, ...withoutChart } = REPORT
    const paths = await writeResults(resultDocument({ ...RECORD, bench: "plain" }, withoutChart), dir)
    expect(paths.latestSvg).toBeNull()
    expect(readdirSync(dir).filter((f) => f.startsWith("plain")).sort()).toEqual(["plain-20251121T154012Z.json", "plain-latest.json"])
  })
})

describe("ratioTable", () => {
  test("one row per ratio and a count of targets met and missed", () => {
    expect(ratioTable(ratioRows(REPORT.comparisons))).toEqual([
      "MEASURE               VALUE            REFERENCE                                RATIO  TARGET    MET",
      "--------------------  ---------------  ---------------------------------------  -----  --------  ---",
      "intake, one per call  4,321 records/s  9,876.5 records/s (ProducerPerformance)  0.44x  >= 0.5x   NO",
      "accept p99            12.50 ms         -                                        -      <= 20 ms  yes",
      "informational         10 calls/s       5 calls/s                                2.00x  -         -",
      "targets: 1 met, 1 missed, 1 without a target or not measured",
    ])
  })

  const figures: ReadonlyArray<readonly [number, string, string]> = [
    [9876.54, "records/s", "9,876.5 records/s"],
    [12.345, "ms", "12.35 ms"],
    [0.4321, "ms", "0.432 ms"],
    [1000, "", "1,000"],
  ]
  test.each(figures)("formatFigure(%p, %p)", (value, unit, text) => {
    expect(formatFigure(value, unit)).toBe(text)
  })
})
