/**
 * The scale bench's report: contract calls per second through the big pool
 * against the 1-node pool of the same run (the brief's >= 2.7x), both end
 * to end (first batch sent to last confirmed, from the results topic) and on
 * chain (first to last block holding a first execution); the exactly-once
 * check from the chains (no call executed twice, none missing); the nodes'
 * error answers as the proxies saw them; a bar chart of the rates and a
 * line chart of cumulative executions.
 */
import type { LineChart } from "../lib/chart-svg.ts"
import type { BenchReport, Comparison, Figure, JsonValue } from "../lib/results.ts"
import { round } from "../lib/stats.ts"
import { ratioAtLeast, valueAtMost } from "../lib/target.ts"
import type { PoolPhaseResult } from "./pool-phase.ts"
import { cumulativeSeries, onChainRate, steadyRate, type Tally } from "./tally.ts"

/** The brief's target: calls over 3 nodes at least 2.7x those over 1. */
export const SCALE_TARGET = 2.7

/** One phase: what the gateway reported and what the chains say. */
export interface ScalePhase {
  readonly label: string
  readonly nodes: number
  readonly result: PoolPhaseResult
  readonly tally: Tally
  /** Per node, what was still in its pool when the bench stopped waiting: `queued` is stuck behind a nonce gap. */
  readonly leftover: Readonly<Record<string, { readonly pending: number; readonly queued: number }>>
}

/** How the nodes were set up. */
export interface NodeSetup {
  readonly automine: boolean
  readonly blockTimeS: number
  readonly callsPerBlock: number | null
  readonly blockGasLimit: number
  /** The anvil command line shared by every node (without its port). */
  readonly anvil: string
}

/** Everything the report is made from. */
export interface ScaleInput {
  readonly one: ScalePhase
  readonly many: ScalePhase
  readonly node: NodeSetup
  readonly counter: string
  readonly callsPerSender: number
}

/** Error answers of every node of the phase, as the proxies counted them. */
export const nodeErrors = (p: ScalePhase): number => Object.values(p.result.proxies).reduce((n, s) => n + s.errors, 0)

/** Transactions left stuck behind a nonce gap on any node. */
export const stuck = (p: ScalePhase): number => Object.values(p.leftover).reduce((n, c) => n + c.queued, 0)

/** The busiest node's share of the phase's first broadcasts, in percent: 100/N when the pool spreads evenly. */
export const largestShare = (p: ScalePhase): number => {
  const counts = Object.values(p.result.firstBroadcasts)
  const total = counts.reduce((a, b) => a + b, 0)
  return total === 0 ? 0 : round((100 * Math.max(...counts)) / total, 1)
}

const rate = (p: ScalePhase): number => round(p.result.confirmRatePerSec ?? 0, 2)
const chainRate = (p: ScalePhase): number => round(onChainRate(p.tally.firstExecutionTimes) ?? 0, 2)
const steady = (p: ScalePhase): number => round(steadyRate(p.tally.firstExecutionTimes) ?? 0, 2)

const phaseFigures = (p: ScalePhase): ReadonlyArray<Figure> => {
  const at = `(${p.label})`
  const s = p.result.final.byStatus
  return [
    { name: `contract calls/s end to end ${at}`, unit: "calls/s", value: rate(p) },
    { name: `contract calls/s on chain ${at}`, unit: "calls/s", value: chainRate(p) },
    { name: `contract calls/s on chain, steady (10th-90th percentile) ${at}`, unit: "calls/s", value: steady(p) },
    { name: `accepted ${at}`, unit: "requests", value: p.result.accepted },
    { name: `confirmed ${at}`, unit: "requests", value: s.confirmed ?? 0 },
    { name: `failed or DLQ ${at}`, unit: "requests", value: p.result.final.failed + p.result.final.dlq },
    { name: `not final when the wait ended ${at}`, unit: "requests", value: Math.max(0, p.result.accepted - p.result.final.final) },
    { name: `executed on chain ${at}`, unit: "requests", value: p.tally.executed },
    { name: `executed more than once ${at}`, unit: "requests", value: p.tally.duplicated },
    { name: `executed twice on one chain ${at}`, unit: "requests", value: p.tally.duplicatedOnOneNode },
    { name: `copied to a second chain ${at}`, unit: "requests", value: p.tally.onSeveralNodes },
    { name: `executions in all, every copy ${at}`, unit: "transactions", value: p.tally.executions },
    { name: `node error answers ${at}`, unit: "answers", value: nodeErrors(p) },
    { name: `largest share of first broadcasts on one node ${at}`, unit: "%", value: largestShare(p) },
    { name: `re-broadcasts of an already broadcast transaction ${at}`, unit: "broadcasts", value: p.result.rebroadcasts },
    { name: `stuck behind a nonce gap ${at}`, unit: "transactions", value: stuck(p) },
    { name: `consumer retries ${at}`, unit: "requests", value: p.result.retries },
  ]
}

const proxyJson = (p: ScalePhase): JsonValue =>
  Object.fromEntries(
    Object.entries(p.result.proxies).map(([node, s]) => [
      node,
      { calls: s.calls, errors: s.errors, peakInFlight: s.peakInFlight, byMethod: { ...s.byMethod }, errorGroups: s.errorGroups.map((g) => ({ method: g.method, error: g.error, count: g.count })) },
    ]),
  )

const phaseJson = (p: ScalePhase): JsonValue => {
  const f = p.result.final
  return {
    label: p.label,
    nodes: p.nodes,
    accepted: p.result.accepted,
    rejectedBatches: [...p.result.rejectedBatches],
    submitMs: p.result.submitTo - p.result.submitFrom,
    firstAcceptedAt: f.firstAcceptedAt,
    lastFinalAt: f.lastFinalAt,
    byStatus: Object.fromEntries(Object.entries(f.byStatus).map(([k, v]) => [k, v ?? 0])),
    failureReasons: f.reasons.map(([reason, count]) => ({ reason, count })),
    confirmRatePerSec: p.result.confirmRatePerSec === null ? null : round(p.result.confirmRatePerSec, 2),
    onChainRatePerSec: onChainRate(p.tally.firstExecutionTimes),
    steadyRatePerSec: steadyRate(p.tally.firstExecutionTimes),
    tally: {
      expected: p.tally.expected,
      executed: p.tally.executed,
      missing: p.tally.missing,
      duplicated: p.tally.duplicated,
      duplicatedOnOneNode: p.tally.duplicatedOnOneNode,
      onSeveralNodes: p.tally.onSeveralNodes,
      executions: p.tally.executions,
      executionsPerNode: { ...p.tally.perNode },
      firstExecutionPerNode: { ...p.tally.firstPerNode },
    },
    firstBroadcastPerNode: { ...p.result.firstBroadcasts },
    rebroadcasts: p.result.rebroadcasts,
    gatewayCallsPerNode: { ...p.result.gatewayCalls },
    proxies: proxyJson(p),
    leftoverPerNode: Object.fromEntries(Object.entries(p.leftover).map(([n, c]) => [n, { pending: c.pending, queued: c.queued }])),
    retries: p.result.retries,
    gatewayWarnings: { ...p.result.warnings },
    gatewayReadyMs: round(p.result.readyMs, 1),
  }
}

/** Cumulative first executions over time, per phase. */
export const scaleTimeline = (one: ScalePhase, many: ScalePhase): LineChart => ({
  kind: "line",
  title: "Contract calls executed on chain (first execution of each request)",
  xLabel: "seconds since the first batch was submitted",
  yLabel: "calls executed",
  series: [one, many].map((p) => ({ name: `pool of ${p.label}`, points: cumulativeSeries(p.tally.firstExecutionTimes, p.result.submitFrom) })),
})

/** The report. */
export const scaleReport = (input: ScaleInput): BenchReport => {
  const { one, many } = input
  const reference = `${one.label}, same run`
  const comparisons: ReadonlyArray<Comparison> = [
    { measure: `contract calls/s through ${many.label} (end to end)`, unit: "calls/s", value: rate(many), reference: rate(one), referenceName: reference, target: ratioAtLeast(SCALE_TARGET) },
    { measure: `contract calls/s through ${many.label} (on chain)`, unit: "calls/s", value: chainRate(many), reference: chainRate(one), referenceName: reference },
    { measure: `contract calls/s through ${many.label} (on chain, steady)`, unit: "calls/s", value: steady(many), reference: steady(one), referenceName: reference },
    { measure: `requests executed twice on one chain (${one.label})`, unit: "requests", value: one.tally.duplicatedOnOneNode, reference: null, target: valueAtMost(0) },
    { measure: `requests not executed (${one.label})`, unit: "requests", value: one.tally.missing, reference: null, target: valueAtMost(0) },
    { measure: `requests executed twice on one chain (${many.label})`, unit: "requests", value: many.tally.duplicatedOnOneNode, reference: null, target: valueAtMost(0) },
    { measure: `requests not executed (${many.label})`, unit: "requests", value: many.tally.missing, reference: null, target: valueAtMost(0) },
    { measure: `requests copied to a second chain (${many.label})`, unit: "requests", value: many.tally.onSeveralNodes, reference: null },
    { measure: `node error answers (${many.label})`, unit: "answers", value: nodeErrors(many), reference: nodeErrors(one), referenceName: reference },
  ]
  const ratio = (a: number, b: number) => (b > 0 ? `${round(a / b, 2)}x` : "-")
  const timeline = scaleTimeline(one, many)
  return {
    figures: [...phaseFigures(one), ...phaseFigures(many)],
    comparisons,
    chart: {
      kind: "bar",
      title: `Ethereum contract calls: pool of ${one.label} vs ${many.label}`,
      yLabel: "calls/s",
      series: [`pool of ${one.label}`, `pool of ${many.label}`],
      groups: [
        { label: "end to end (sent to confirmed)", values: [rate(one), rate(many)], note: ratio(rate(many), rate(one)), target: { value: rate(one) * SCALE_TARGET, label: `target >= ${SCALE_TARGET}x` } },
        { label: "on chain (first to last block)", values: [chainRate(one), chainRate(many)], note: ratio(chainRate(many), chainRate(one)) },
        { label: "on chain, steady (10th-90th pct)", values: [steady(one), steady(many)], note: ratio(steady(many), steady(one)) },
      ],
    },
    details: {
      note: "end to end = distinct requests confirmed / (last final status in the run's results topic - first batch sent); on chain = requests whose first execution is in blocks first..last, per second of block time; steady = the same between the 10th and 90th percentile of first executions; node error answers = HTTP errors and JSON-RPC error answers as the counting proxy in front of each node saw them (grouped in proxies.*.errorGroups)",
      counter: input.counter,
      callsPerSender: input.callsPerSender,
      node: { automine: input.node.automine, blockTimeS: input.node.blockTimeS, callsPerBlock: input.node.callsPerBlock, blockGasLimit: input.node.blockGasLimit, anvil: input.node.anvil },
      phases: [phaseJson(one), phaseJson(many)],
      timelineChart: { kind: timeline.kind, title: timeline.title, xLabel: timeline.xLabel, yLabel: timeline.yLabel, series: timeline.series.map((l) => ({ name: l.name, points: l.points.map(([x, y]) => [x, y]) })) },
    },
  }
}
