/**
 * Paper B's Table 2 beside this project's: reads the results JSON of the six full
 * `gateway bench failover` runs (random and leader, every 60, 30 and 25 s) and prints
 * one table in the paper's layout, plus a grouped bar chart of failed requests.
 * Pure except for `main`, which reads the files named on the command line.
 *
 *   bun bench/failover/table2-summary.ts bench/results/failover-2026…Z.json …
 */
import type { BarChart } from "../lib/chart-svg.ts"
import { renderChart } from "../lib/chart-svg.ts"
import type { AttackMode } from "./attack-schedule.ts"
import { PAPER_TABLE2 } from "./report.ts"

/** What the summary needs from one run's results JSON. */
export interface Table2Run {
  readonly file: string
  readonly mode: AttackMode
  readonly period: number
  readonly outage: number
  readonly duration: number
  readonly requests: number
  readonly failedNoRetry: number
  /** The gateway's one-shot client that any replica serves; undefined for runs made before it existed. */
  readonly failedAnyReplica: number | undefined
  readonly failedRetry: number
  readonly leaderChanges: number
  readonly electionP50Ms: number | undefined
  readonly servingP50Ms: number | undefined
  readonly lost: number
  readonly gaveUpApplied: number
  readonly notIdentical: number
}

type Json = { readonly [key: string]: unknown }

const figure = (doc: Json, name: string): number | undefined => {
  const figures = Array.isArray(doc.figures) ? (doc.figures as ReadonlyArray<Json>) : []
  const f = figures.find((x) => x.name === name)
  return typeof f?.value === "number" ? f.value : undefined
}

/** Reads one results document, or says which field is missing. */
export const table2RunOf = (file: string, doc: Json): Table2Run | string => {
  const p = (doc.parameters ?? {}) as Json
  const need = (name: string) => figure(doc, name)
  const fields = {
    requests: need("requests per client"),
    failedNoRetry: need("failed requests, no retry"),
    failedRetry: need("failed requests, SDK retry"),
    leaderChanges: need("leader changes"),
    lost: need("acknowledged requests lost"),
    gaveUpApplied: need("gave up, applied (client not told)"),
    notIdentical: need("replicas not identical to acknowledged + gave-up-applied"),
  }
  const missing = Object.entries(fields).filter(([, v]) => v === undefined).map(([k]) => k)
  if (missing.length > 0) return `${file}: no figure for ${missing.join(", ")}; is it a failover bench result with both clients?`
  if (p.mode !== "random" && p.mode !== "leader") return `${file}: parameters.mode is ${String(p.mode)}`
  return {
    file,
    mode: p.mode,
    period: Number(p.period),
    outage: Number(p.outage),
    duration: Number(p.duration),
    requests: fields.requests ?? 0,
    failedNoRetry: fields.failedNoRetry ?? 0,
    failedAnyReplica: need("failed requests, one-shot any replica"),
    failedRetry: fields.failedRetry ?? 0,
    leaderChanges: fields.leaderChanges ?? 0,
    electionP50Ms: need("failover to election p50"),
    servingP50Ms: need("failover to first acknowledgement p50"),
    lost: fields.lost ?? 0,
    gaveUpApplied: fields.gaveUpApplied ?? 0,
    notIdentical: fields.notIdentical ?? 0,
  }
}

/** The paper's order: the longest period first, random before leader. */
const paperOrder = (a: Table2Run, b: Table2Run) => b.period - a.period || (a.mode === b.mode ? 0 : a.mode === "random" ? -1 : 1)

const seconds = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`)

/** The rows in the paper's order (period 60, 30, 25; random then leader), as a Markdown table. */
export const table2Markdown = (runs: ReadonlyArray<Table2Run>): string => {
  const ordered = [...runs].sort(paperOrder)
  const lines = [
    "| cut every | mode | failed, paper B | failed, no retry | failed, one-shot any replica | failed, SDK retry | leader changes, paper B | leader changes | elected after (p50) | serving after (p50) | synchronisation |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ]
  for (const r of ordered) {
    const paper = PAPER_TABLE2[r.period]?.[r.mode]
    const sync = r.notIdentical === 0 && r.lost === 0 ? `identical (${r.gaveUpApplied} gave-up requests applied)` : `NOT identical: ${r.notIdentical} replicas, ${r.lost} lost`
    lines.push(
      `| ${r.period} s | ${r.mode} | ${paper ? `${paper.failed}/1200` : "-"} | ${r.failedNoRetry}/${r.requests} | ${r.failedAnyReplica === undefined ? "-" : `${r.failedAnyReplica}/${r.requests}`} | ${r.failedRetry}/${r.requests} | ${paper?.leaderChanges ?? "-"} | ${r.leaderChanges} | ${seconds(r.electionP50Ms)} | ${seconds(r.servingP50Ms)} | ${sync} |`,
    )
  }
  return lines.join("\n")
}

/** Failed requests per schedule: paper B, this run without retry, the any-replica one-shot client (0 when the run had none), this run with the SDK's retry. */
export const table2Chart = (runs: ReadonlyArray<Table2Run>): BarChart => ({
  kind: "bar",
  title: "Table 2: failed requests of 1,200 per schedule (cut 20 s)",
  yLabel: "failed requests",
  series: ["paper B", "no retry", "one-shot, any replica", "SDK retry"],
  groups: [...runs]
    .sort(paperOrder)
    .map((r) => {
      const paper = PAPER_TABLE2[r.period]?.[r.mode]?.failed ?? 0
      return {
        label: `${r.mode} / ${r.period} s`,
        values: [paper, r.failedNoRetry, r.failedAnyReplica ?? 0, r.failedRetry],
        note: paper > 0 ? `${(r.failedNoRetry / paper).toFixed(2)}x paper` : "",
      }
    }),
})

const main = async (files: ReadonlyArray<string>) => {
  if (files.length === 0) {
    process.stderr.write("usage: bun bench/failover/table2-summary.ts RESULT.json... [--svg OUT.svg]\n")
    process.exit(2)
  }
  const svgAt = files.indexOf("--svg")
  const svg = svgAt >= 0 ? files[svgAt + 1] : undefined
  const inputs = files.filter((_, i) => i !== svgAt && i !== svgAt + 1)
  const runs: Table2Run[] = []
  for (const file of inputs) {
    const run = table2RunOf(file, (await Bun.file(file).json()) as Json)
    if (typeof run === "string") {
      process.stderr.write(`${run}\n`)
      process.exit(1)
    }
    runs.push(run)
  }
  process.stdout.write(`${table2Markdown(runs)}\n`)
  if (svg !== undefined) await Bun.write(svg, renderChart(table2Chart(runs)))
}

if (import.meta.main) await main(process.argv.slice(2))
