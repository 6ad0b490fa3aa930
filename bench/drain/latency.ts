/**
 * The drain bench's latency pass: how long one transfer takes when the node is not
 * saturated. A steady client POSTs single transfers at `--latency-rate` through a
 * gateway, and the same number of transfers is sent straight to the node at the same
 * pace; each is timed from the client's call to the first sight of the block that holds
 * it, on the one block clock both paths share. The drain passes measure how fast a
 * backlog empties; this one measures what each request waits, which is where the
 * executor's pacing (a Kafka transaction at most every `transaction_interval_ms` per
 * partition, each transfer recorded before it is sent) shows.
 */
import type { LineChart } from "../lib/chart-svg.ts"
import { loopFigureMs } from "../lib/loop-delay.ts"
import type { Comparison, Figure, JsonValue } from "../lib/results.ts"
import { round, sortedCopy, summarize } from "../lib/stats.ts"
import type { RequestTimes } from "../lib/status-tracker.ts"
import type { AcceptedRequest } from "../intake/intake-client.ts"
import type { PhaseResult } from "./gateway-phase.ts"
import type { Nudge } from "./stall-nudger.ts"

/** One transfer's times (epoch ms, the bench's clock): the call, its answer, and when its block was seen; undefined when never seen mined. */
export interface TimedTransfer {
  readonly sentAt: number
  readonly answeredAt: number
  readonly minedAt: number | undefined
}

/** The latency pass: the gateway's requests and the direct sends, each timed to mined. */
export interface LatencyPass {
  readonly ratePerSec: number
  readonly requests: number
  readonly senders: number
  readonly phase: PhaseResult
  readonly gateway: ReadonlyArray<TimedTransfer>
  /** Gateway requests that reached the node (a record at `signed` or later): when, from the call. */
  readonly gatewayReachedMs: ReadonlyArray<number>
  readonly direct: ReadonlyArray<TimedTransfer>
  readonly directFailed: number
  /** The gateway's `[kafka.consumer].transaction_interval_ms` and `transaction_interval_light_ms` in the pass. */
  readonly transactionInterval: { readonly busyMs: number; readonly lightMs: number }
  readonly nudges: ReadonlyArray<Nudge>
  readonly directNudges: ReadonlyArray<Nudge>
}

/** Percentiles of one set of latencies, in ms; nulls when it is empty. */
export interface LatencyStats {
  readonly count: number
  readonly p50: number | null
  readonly p90: number | null
  readonly p99: number | null
  readonly max: number | null
}

export const latencyStats = (values: ReadonlyArray<number>): LatencyStats => {
  const s = summarize(values)
  if (s === null) return { count: 0, p50: null, p90: null, p99: null, max: null }
  return { count: s.count, p50: round(s.p50, 1), p90: round(s.p90, 1), p99: round(s.p99, 1), max: round(s.max, 1) }
}

/**
 * The gateway's accepted requests timed to mined: each request's txid (the mined
 * version's, from its `confirmed` record) looked up in `mined` (lower-case hash → epoch
 * ms the block holding it was seen).
 */
export const gatewayTransfers = (
  accepted: ReadonlyArray<AcceptedRequest>,
  times: ReadonlyMap<string, RequestTimes>,
  mined: ReadonlyMap<string, number>,
): ReadonlyArray<TimedTransfer> =>
  accepted.map((a) => {
    const txid = times.get(a.id)?.txid?.toLowerCase()
    return { sentAt: a.sentAt, answeredAt: a.answeredAt, minedAt: txid === undefined ? undefined : mined.get(txid) }
  })

/** From each accepted request's call to its first record at `signed` or later (the gateway's clock; same machine). */
export const reachedLatencies = (accepted: ReadonlyArray<AcceptedRequest>, times: ReadonlyMap<string, RequestTimes>): ReadonlyArray<number> =>
  accepted.flatMap((a) => {
    const at = times.get(a.id)?.reachedAt
    return at === undefined ? [] : [at - a.sentAt]
  })

const toMined = (ts: ReadonlyArray<TimedTransfer>): ReadonlyArray<number> => ts.flatMap((t) => (t.minedAt === undefined ? [] : [t.minedAt - t.sentAt]))
const answered = (ts: ReadonlyArray<TimedTransfer>): ReadonlyArray<number> => ts.map((t) => t.answeredAt - t.sentAt)

/** Points a CDF line keeps at most: every mined transfer would be thousands. */
const cdfPoints = 200

/** The share of transfers mined within each latency: `[ms, % of all]` from 0, at most about `cdfPoints` steps, always the last. */
export const cdf = (ts: ReadonlyArray<TimedTransfer>): ReadonlyArray<readonly [number, number]> => {
  if (ts.length === 0) return []
  const sorted = sortedCopy(toMined(ts))
  const every = Math.max(1, Math.ceil(sorted.length / cdfPoints))
  const points: Array<readonly [number, number]> = [[0, 0]]
  sorted.forEach((ms, i) => {
    if ((i + 1) % every === 0 || i === sorted.length - 1) points.push([round(ms, 1), round((100 * (i + 1)) / ts.length, 2)])
  })
  return points
}

/** The latency pass's chart: the share of transfers mined within each delay after the call, both paths. */
export const latencyChart = (l: LatencyPass): LineChart => {
  const g = latencyStats(toMined(l.gateway))
  const d = latencyStats(toMined(l.direct))
  return {
    kind: "line",
    title: `One transfer at a time, ${l.ratePerSec}/s: call to mined, p50 ${g.p50 ?? "-"} ms through the gateway (transaction interval ${l.transactionInterval.lightMs} ms, ${l.transactionInterval.busyMs} ms with a backlog) vs ${d.p50 ?? "-"} ms direct`,
    xLabel: "ms from the client's call to the first sight of the block holding the transfer",
    yLabel: "% of transfers mined",
    series: [
      { name: "through the gateway", points: cdf(l.gateway) },
      { name: "node driven directly", points: cdf(l.direct) },
    ],
  }
}

/** The figures, ratios and details of the latency pass. */
export const latencyParts = (l: LatencyPass) => {
  const g = latencyStats(toMined(l.gateway))
  const d = latencyStats(toMined(l.direct))
  const accept = latencyStats(answered(l.gateway))
  const send = latencyStats(answered(l.direct))
  const reached = latencyStats(l.gatewayReachedMs)
  const unmined = (ts: ReadonlyArray<TimedTransfer>) => ts.filter((t) => t.minedAt === undefined).length
  const nan = (v: number | null) => v ?? Number.NaN
  const pace = `${l.ratePerSec}/s, one transfer per call`
  const figures: Array<Figure> = [
    { name: `latency: transfers through the gateway (${pace})`, unit: "requests", value: l.gateway.length },
    { name: "latency: gateway, call to mined p50", unit: "ms", value: nan(g.p50) },
    { name: "latency: gateway, call to mined p99", unit: "ms", value: nan(g.p99) },
    { name: "latency: gateway, call to 202 p99", unit: "ms", value: nan(accept.p99) },
    { name: "latency: gateway, call to its signed record p50", unit: "ms", value: nan(reached.p50) },
    { name: "latency: gateway, call to its signed record p99", unit: "ms", value: nan(reached.p99) },
    { name: "latency: gateway transfers not seen mined", unit: "requests", value: unmined(l.gateway) },
    { name: "latency: direct, call to mined p50", unit: "ms", value: nan(d.p50) },
    { name: "latency: direct, call to mined p99", unit: "ms", value: nan(d.p99) },
    { name: "latency: direct, call to answer p99", unit: "ms", value: nan(send.p99) },
    { name: "latency: direct sends refused or not seen mined", unit: "requests", value: l.directFailed + unmined(l.direct) },
    { name: "latency: node stalls the bench mined through (evm_mine), gateway and direct", unit: "blocks", value: l.nudges.length + l.directNudges.length },
  ]
  const comparisons: Array<Comparison> = [
    { measure: "latency: call to mined p50, through the gateway (no target)", unit: "ms", value: nan(g.p50), reference: d.p50, referenceName: `direct sends at the same pace (${pace})` },
    { measure: "latency: call to mined p99, through the gateway (no target)", unit: "ms", value: nan(g.p99), reference: d.p99, referenceName: `direct sends at the same pace (${pace})` },
  ]
  // What each process spent on the pass, in cores: a steady load this light should leave them idle.
  const cpu = l.phase.cpu
  const cores = cpu === undefined ? {} : Object.fromEntries(Object.entries(cpu.seconds).map(([g, sec]) => [g, round(sec / Math.max(cpu.wallSeconds, 1e-9), 2)]))
  for (const [g, c] of Object.entries(cores)) figures.push({ name: `latency: CPU through the gateway pass, ${g}`, unit: "cores", value: c })
  const loop = l.phase.loopDelay
  if (loop !== undefined) figures.push({ name: "latency: gateway event-loop delay p99 through the pass (bucket bound, 1000 = past 1 s)", unit: "ms", value: loopFigureMs(loop.through.p99Ms) })
  const details: JsonValue = {
    ratePerSec: l.ratePerSec,
    requests: l.requests,
    senders: l.senders,
    transactionInterval: { ...l.transactionInterval },
    accepted: l.gateway.length,
    gateway: { toMined: { ...g }, toAnswer: { ...accept }, toSignedRecord: { ...reached }, notSeenMined: unmined(l.gateway), transactions: l.phase.gateway.transactions, recordsCommitted: l.phase.gateway.recordsCommitted },
    direct: { sent: l.direct.length, refused: l.directFailed, toMined: { ...d }, toAnswer: { ...send }, notSeenMined: unmined(l.direct) },
    cpuCores: cores,
    nudges: l.nudges.map((n) => ({ ...n })),
    directNudges: l.directNudges.map((n) => ({ ...n })),
  }
  return { figures, comparisons, details }
}
