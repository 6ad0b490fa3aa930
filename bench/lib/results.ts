/**
 * What a bench leaves behind: `<name>-<timestamp>.json` (kept, for history),
 * `<name>-latest.json` and `<name>-latest.svg` (overwritten, for reading),
 * and a table of ratios on stdout. Every figure the brief targets is stored
 * as a ratio against a reference measured in the same run, with the target
 * and whether it was met, so results from different machines compare.
 */
import { mkdir, rename } from "node:fs/promises"
import { join } from "node:path"
import { textTable } from "../../src/cli/text-table.ts"
import { type Chart, renderChart } from "./chart-svg.ts"
import type { MachineFacts } from "./run-environment.ts"
import { ratioOf, type Target, type TargetKind, targetMet, targetText } from "./target.ts"

/** Any value JSON can hold; bench parameters and details are made of these. */
export type JsonValue = null | boolean | number | string | ReadonlyArray<JsonValue> | { readonly [key: string]: JsonValue }

/** One measured number. */
export interface Figure {
  readonly name: string
  readonly unit: string
  readonly value: number
}

/** A figure set against its reference from the same run, and the brief's target for it. */
export interface Comparison {
  readonly measure: string
  readonly unit: string
  readonly value: number
  /** The same measure taken from the reference; null when the brief gives none. */
  readonly reference: number | null
  /** What the reference was, e.g. `ProducerPerformance` or `concurrency 1`. */
  readonly referenceName?: string
  readonly target?: Target
}

/** What a bench's `run` returns; the framework adds when, where and with what. */
export interface BenchReport {
  readonly figures: ReadonlyArray<Figure>
  readonly comparisons: ReadonlyArray<Comparison>
  readonly chart?: Chart
  /** Bench-specific data worth keeping (per-step results, time series). */
  readonly details?: JsonValue
}

/** One row of the `ratios` array in the results JSON. */
export interface RatioRow {
  readonly measure: string
  readonly unit: string
  readonly value: number
  readonly reference: number | null
  readonly referenceName: string | null
  readonly ratio: number | null
  readonly target: { readonly kind: TargetKind; readonly bound: number; readonly text: string } | null
  readonly met: boolean | null
}

/** The whole results file. */
export interface ResultDocument {
  readonly bench: string
  readonly startedAt: string
  readonly finishedAt: string
  readonly durationMs: number
  readonly commandLine: ReadonlyArray<string>
  readonly commit: string | null
  readonly machine: MachineFacts
  readonly parameters: JsonValue
  readonly figures: ReadonlyArray<Figure>
  readonly ratios: ReadonlyArray<RatioRow>
  readonly chart: Chart | null
  readonly details: JsonValue
}

/** Everything besides the report that goes into a results file. */
export interface RunRecord {
  readonly bench: string
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly commandLine: ReadonlyArray<string>
  readonly commit: string | null
  readonly machine: MachineFacts
  readonly parameters: JsonValue
}

/** Each comparison as a ratio, with its target and whether it was met. */
export const ratioRows = (comparisons: ReadonlyArray<Comparison>): ReadonlyArray<RatioRow> =>
  comparisons.map((c) => {
    const ratio = ratioOf(c.value, c.reference)
    return {
      measure: c.measure,
      unit: c.unit,
      value: c.value,
      reference: c.reference,
      referenceName: c.referenceName ?? null,
      ratio: ratio === null ? null : Math.round(ratio * 1000) / 1000,
      target: c.target === undefined ? null : { kind: c.target.kind, bound: c.target.bound, text: targetText(c.target, c.unit) },
      met: c.target === undefined ? null : targetMet(c.target, c.value, ratio),
    }
  })

/** The results document for one finished run. */
export const resultDocument = (record: RunRecord, report: BenchReport): ResultDocument => ({
  bench: record.bench,
  startedAt: record.startedAt.toISOString(),
  finishedAt: record.finishedAt.toISOString(),
  durationMs: record.finishedAt.getTime() - record.startedAt.getTime(),
  commandLine: record.commandLine,
  commit: record.commit,
  machine: record.machine,
  parameters: record.parameters,
  figures: report.figures,
  ratios: ratioRows(report.comparisons),
  chart: report.chart ?? null,
  details: report.details ?? null,
})

/** `20251121T154012Z`: a sortable UTC timestamp that is safe in any file name. */
export const fileTimestamp = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "")

/** The files one run wrote. */
export interface ResultPaths {
  readonly json: string
  readonly latestJson: string
  readonly latestSvg: string | null
}

/** Writes a file whole or not at all, so a reader never sees half a result. */
const writeAtomically = async (path: string, text: string): Promise<void> => {
  const temporary = `${path}.${process.pid}.tmp`
  await Bun.write(temporary, text)
  await rename(temporary, path)
}

/** Writes the run's JSON files and chart into `dir` (created if missing) and returns their paths. */
export const writeResults = async (document: ResultDocument, dir: string): Promise<ResultPaths> => {
  await mkdir(dir, { recursive: true })
  const text = `${JSON.stringify(document, null, 2)}\n`
  const json = join(dir, `${document.bench}-${fileTimestamp(new Date(document.startedAt))}.json`)
  const latestJson = join(dir, `${document.bench}-latest.json`)
  await writeAtomically(json, text)
  await writeAtomically(latestJson, text)
  if (document.chart === null) return { json, latestJson, latestSvg: null }
  const latestSvg = join(dir, `${document.bench}-latest.svg`)
  await writeAtomically(latestSvg, renderChart(document.chart))
  return { json, latestJson, latestSvg }
}

/** A figure for a table: `9,832.8 records/s`, `0.43 ms`. */
export const formatFigure = (value: number, unit: string): string => {
  const digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 1 : Math.abs(value) >= 1 ? 2 : 3
  const number = Number.isInteger(value)
    ? value.toLocaleString("en-US")
    : value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
  return unit === "" ? number : `${number} ${unit}`
}

/** The ratios as a plain-text table, then one line counting targets met and missed. */
export const ratioTable = (rows: ReadonlyArray<RatioRow>): ReadonlyArray<string> => {
  const met = rows.filter((r) => r.met === true).length
  const missed = rows.filter((r) => r.met === false).length
  const open = rows.length - met - missed
  return [
    ...textTable(
      ["MEASURE", "VALUE", "REFERENCE", "RATIO", "TARGET", "MET"],
      rows.map((r) => [
        r.measure,
        formatFigure(r.value, r.unit),
        r.reference === null ? "-" : `${formatFigure(r.reference, r.unit)}${r.referenceName === null ? "" : ` (${r.referenceName})`}`,
        r.ratio === null ? "-" : `${r.ratio.toFixed(2)}x`,
        r.target?.text ?? "-",
        r.met === null ? "-" : r.met ? "yes" : "NO",
      ]),
    ),
    `targets: ${met} met, ${missed} missed, ${open} without a target or not measured`,
  ]
}
