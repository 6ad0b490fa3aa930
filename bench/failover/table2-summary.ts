/**
 * Paper B's Table 2 beside this project's: reads the results JSON of the six full
 * `gateway bench failover` runs (random and leader, every 60, 30 and 25 s) and prints
 * one table in the paper's layout, a grouped bar chart of failed requests, and a chart
 * of how long after each leader change each client was served again (its own first
 * acknowledgement by the new leader, from the cut). Pure except for `main`, which reads
 * the files named on the command line.
 *
 *   bun bench/failover/table2-summary.ts bench/results/failover-2026…Z.json … [--svg OUT.svg] [--served-svg OUT.svg]
 */
import { parseArgs } from "node:util"
import type { BarChart, LineChart } from "../lib/chart-svg.ts"
import { renderChart } from "../lib/chart-svg.ts"
import { percentile } from "../lib/stats.ts"
import type { PaperMode } from "./attack-schedule.ts"
import type { Outage } from "./attacker.ts"
import { failoversOf } from "./failover-times.ts"
import type { Leadership } from "./leader-log.ts"
import { ANY_REPLICA, clientsOf, NO_RETRY, PAPER_TABLE2, WITH_RETRY } from "./report.ts"
import type { RequestRecord } from "./request-record.ts"

/** What the summary needs from one run's results JSON. */
export interface Table2Run {
  readonly file: string
  readonly mode: PaperMode
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
  readonly lost: number
  readonly gaveUpApplied: number
  readonly notIdentical: number
  /** The run's clients, in the report's order. */
  readonly clients: ReadonlyArray<string>
  /** Per leader change, in order: ms from its start until each client was served again (undefined: never). */
  readonly servedAgain: ReadonlyArray<Readonly<Record<string, number | undefined>>>
}

/**
 * The request rows as records, with their clients' names. The rows come client by client
 * (each client's seq starts at 0 again), which names them also in results written while
 * the client column was 0 for paper B's client and 1 for every other.
 */
export const requestRecordsOf = (clients: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<unknown>>): ReadonlyArray<RequestRecord> => {
  let block = 0
  let lastSeq = -1
  return rows.map((row) => {
    const seq = Number(row[1])
    if (seq <= lastSeq) block += 1
    lastSeq = seq
    const node = row[7]
    return {
      client: clients[block] ?? `client ${block}`,
      seq,
      requestId: `${block}-${seq}`,
      number: 0,
      sentAtMs: Number(row[2]),
      doneAtMs: Number(row[3]),
      outcome: String(row[5]),
      ok: row[4] === 1,
      index: typeof row[6] === "number" ? row[6] : undefined,
      node: typeof node === "string" ? node : undefined,
      attempts: Number(row[8]),
      duplicate: false,
    }
  })
}

/** Served again per leader change and client, from a result's leaderships, outages and request rows. */
const servedAgainOf = (details: Json, clients: ReadonlyArray<string>): Table2Run["servedAgain"] => {
  const rows = Array.isArray(details.requests) ? (details.requests as ReadonlyArray<ReadonlyArray<unknown>>) : []
  const leaderships = Array.isArray(details.leaderships)
    ? (details.leaderships as ReadonlyArray<Json>).map((l): Leadership => ({ node: String(l.node), epoch: Number(l.epoch), fromMs: Number(l.fromMs), untilMs: typeof l.untilMs === "number" ? l.untilMs : undefined }))
    : []
  const outages = Array.isArray(details.outages)
    ? (details.outages as ReadonlyArray<Json>).map((o): Outage => ({
        index: Number(o.index),
        node: String(o.node),
        leaderAtCut: typeof o.leaderAtCut === "string" ? o.leaderAtCut : undefined,
        startMs: Number(o.startMs),
        endMs: typeof o.endMs === "number" ? o.endMs : undefined,
      }))
    : []
  return failoversOf(leaderships, outages, requestRecordsOf(clients, rows)).map((f) => f.servingByClient)
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
  const details = (doc.details ?? {}) as Json
  const clients = Array.isArray(details.clients) ? (details.clients as ReadonlyArray<unknown>).map(String) : clientsOf(String(p.clients))
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
    lost: fields.lost ?? 0,
    gaveUpApplied: fields.gaveUpApplied ?? 0,
    notIdentical: fields.notIdentical ?? 0,
    clients,
    servedAgain: servedAgainOf(details, clients),
  }
}

/** A client's served-again times over a run's leader changes, sorted; never-served changes left out. */
const servedTimes = (r: Table2Run, client: string): number[] =>
  r.servedAgain.flatMap((s) => (s[client] === undefined ? [] : [s[client] as number])).sort((a, b) => a - b)

const p50 = (r: Table2Run, client: string): string => {
  const v = percentile(servedTimes(r, client), 0.5)
  return v === undefined ? "-" : `${(v / 1000).toFixed(1)} s`
}

/** The paper's order: the longest period first, random before leader. */
const paperOrder = (a: Table2Run, b: Table2Run) => b.period - a.period || (a.mode === b.mode ? 0 : a.mode === "random" ? -1 : 1)

const seconds = (ms: number | undefined) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`)

/** The rows in the paper's order (period 60, 30, 25; random then leader), as a Markdown table. */
export const table2Markdown = (runs: ReadonlyArray<Table2Run>): string => {
  const ordered = [...runs].sort(paperOrder)
  const lines = [
    "| cut every | mode | failed, paper B | failed, no retry | failed, one-shot any replica | failed, SDK retry | leader changes, paper B | leader changes | elected after (p50) | served again (p50): no retry / any replica / SDK | synchronisation |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ]
  for (const r of ordered) {
    const paper = PAPER_TABLE2[r.period]?.[r.mode]
    const sync = r.notIdentical === 0 && r.lost === 0 ? `identical (${r.gaveUpApplied} gave-up requests applied)` : `NOT identical: ${r.notIdentical} replicas, ${r.lost} lost`
    lines.push(
      `| ${r.period} s | ${r.mode} | ${paper ? `${paper.failed}/1200` : "-"} | ${r.failedNoRetry}/${r.requests} | ${r.failedAnyReplica === undefined ? "-" : `${r.failedAnyReplica}/${r.requests}`} | ${r.failedRetry}/${r.requests} | ${paper?.leaderChanges ?? "-"} | ${r.leaderChanges} | ${seconds(r.electionP50Ms)} | ${[NO_RETRY, ANY_REPLICA, WITH_RETRY].map((c) => (r.clients.includes(c) ? p50(r, c) : "-")).join(" / ")} | ${sync} |`,
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

/**
 * Served again after each leader change, per client: one point per change, numbered in
 * the paper's order of the runs (60 s random and leader, 30 s, 25 s), in seconds from the
 * start of the change (the cut of the leader, or when it was last seen).
 */
export const servedAgainChart = (runs: ReadonlyArray<Table2Run>): LineChart => {
  const ordered = [...runs].sort(paperOrder)
  const clients = [NO_RETRY, ANY_REPLICA, WITH_RETRY].filter((c) => ordered.some((r) => r.clients.includes(c)))
  const changes = ordered.flatMap((r) => r.servedAgain)
  return {
    kind: "line",
    title: "Served again after each leader change (Table 2 runs in the paper's order)",
    xLabel: "leader change",
    yLabel: "seconds from the cut",
    series: clients.map((c) => ({
      name: c,
      points: changes.flatMap((s, i) => (s[c] === undefined ? [] : [[i + 1, Math.round((s[c] as number) / 10) / 100] as const])),
    })),
  }
}

const usage = "usage: bun bench/failover/table2-summary.ts RESULT.json... [--svg OUT.svg] [--served-svg OUT.svg]\n"

const main = async (args: ReadonlyArray<string>) => {
  let parsed: { readonly values: { readonly svg?: string; readonly "served-svg"?: string }; readonly positionals: ReadonlyArray<string> }
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { svg: { type: "string" }, "served-svg": { type: "string" } } })
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}`)
    process.exit(2)
  }
  const inputs = parsed.positionals
  if (inputs.length === 0) {
    process.stderr.write(usage)
    process.exit(2)
  }
  const svg = { value: parsed.values.svg }
  const servedSvg = { value: parsed.values["served-svg"] }
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
  if (svg.value !== undefined) await Bun.write(svg.value, renderChart(table2Chart(runs)))
  if (servedSvg.value !== undefined) await Bun.write(servedSvg.value, renderChart(servedAgainChart(runs)))
}

if (import.meta.main) await main(process.argv.slice(2))
