/**
 * The paper bench's report: paper A's workload through the gateway against
 * the same workers sent straight to the wallet. For each: delivered (the
 * wallet's own list of payments to the run's address), failed (grouped by
 * error), duplicates (an amount paid twice), wall time, the node's peak
 * concurrency (from the counting proxy) and the drain rate. The brief's
 * check: 1,000 of 1,000 delivered exactly once through the gateway.
 */
import type { BarGroup, LineChart } from "../lib/chart-svg.ts"
import type { BenchReport, Comparison, Figure, JsonValue } from "../lib/results.ts"
import { round, summarize } from "../lib/stats.ts"
import type { TrackerSummary } from "../lib/status-tracker.ts"
import { ratioAtLeast, valueAtMost } from "../lib/target.ts"
import { type ProxiedCall, type ProxyStats, peakOverlap } from "./counting-proxy.ts"
import { type LabGatewayRun, labSection } from "./lab-report.ts"
import type { PaymentCheck } from "./wallet.ts"
import type { WorkloadResult } from "./workers.ts"

/** Wallet calls that move money: the ones `max_in_flight` exists for. */
/**
 * The wallet calls that pay: the direct clients' sends, and the gateway's broadcasts of
 * the transactions it built and had the wallet sign (it never calls sendfrom itself).
 */
export const PAYMENT_METHODS: ReadonlySet<string> = new Set(["sendfrom", "sendtoaddress", "sendmany", "sendrawtransaction"])

const isPayment = (method: string) => PAYMENT_METHODS.has(method)

/** One pass of the workload. */
export interface Pass {
  readonly kind: "gateway" | "direct"
  readonly account: string
  readonly address: string
  /** The clients' side: for the gateway the POSTs, for the direct pass the wallet calls themselves. */
  readonly workload: WorkloadResult
  /** Every call the node answered during the pass, as the proxy saw it. */
  readonly calls: ReadonlyArray<ProxiedCall>
  readonly stats: ProxyStats
  readonly check: PaymentCheck
}

/** The gateway pass adds what its results topic said. */
export interface GatewayPass extends Pass {
  readonly kind: "gateway"
  readonly final: TrackerSummary
  readonly readyMs: number
  readonly processes: { readonly consumers: number; readonly producers: number }
  /** With `--lab`: the cut, every attempt of every request, and what the wallet paid per request. */
  readonly lab?: LabGatewayRun
}

/** Everything the report is made from. */
export interface PaperInput {
  readonly gateway?: GatewayPass
  readonly direct?: Pass
  /** Requests in the workload (5 × 10 × 20). */
  readonly total: number
  /** The layout's `max_in_flight` for the wallet. */
  readonly maxInFlight: number
}

/** The figures of one pass that the report and the charts share. */
export interface PassFigures {
  readonly delivered: number
  readonly exactlyOnce: number
  readonly failed: number
  readonly duplicatePayments: number
  /** First call to the last successful payment at the node, s. */
  readonly wallS: number
  /** Delivered per second of `wallS`. */
  readonly drainRate: number
  readonly peakInFlight: number
  readonly peakPayments: number
  readonly nodeErrors: number
}

/**
 * Epoch ms of each successful payment call's answer, in order. A transaction broadcast
 * again (the same params: a rebroadcast, or a new owner sending the recorded bytes)
 * counts once, at its first success.
 */
export const deliveries = (calls: ReadonlyArray<ProxiedCall>): ReadonlyArray<number> => {
  const seen = new Set<string>()
  const out: number[] = []
  for (const c of [...calls].sort((a, b) => a.endMs - b.endMs)) {
    if (!c.ok || !isPayment(c.method)) continue
    if (c.paramsKey !== undefined) {
      if (seen.has(c.paramsKey)) continue
      seen.add(c.paramsKey)
    }
    out.push(c.endMs)
  }
  return out
}

/** Requests that did not end delivered: for the gateway, refused at the intake plus not delivered after acceptance. */
const failedOf = (p: Pass, total: number): number => Math.max(p.workload.failed, total - p.check.delivered)

/** The figures of one pass. */
export const passFigures = (p: Pass, total: number): PassFigures => {
  const done = deliveries(p.calls)
  const lastDelivery = done[done.length - 1] ?? p.workload.finishedAt
  // The direct clients are done when their last call is answered, failed or not; the gateway when the node made its last payment.
  const end = p.kind === "direct" ? Math.max(lastDelivery, p.workload.finishedAt) : lastDelivery
  const wallS = Math.max(0.001, (end - p.workload.startedAt) / 1000)
  return {
    delivered: p.check.delivered,
    exactlyOnce: p.check.exactlyOnce,
    failed: failedOf(p, total),
    duplicatePayments: p.check.extraPayments,
    wallS: round(wallS, 2),
    drainRate: round(p.check.delivered / wallS, 2),
    peakInFlight: p.stats.peakInFlight,
    peakPayments: peakOverlap(p.calls, isPayment),
    nodeErrors: p.stats.errors,
  }
}

const figuresOf = (p: Pass, f: PassFigures): ReadonlyArray<Figure> => {
  const at = `(${p.kind === "gateway" ? "through the gateway" : "direct to the wallet"})`
  return [
    { name: `delivered ${at}`, unit: "requests", value: f.delivered },
    { name: `delivered exactly once ${at}`, unit: "requests", value: f.exactlyOnce },
    { name: `failed ${at}`, unit: "requests", value: f.failed },
    { name: `duplicate payments ${at}`, unit: "payments", value: f.duplicatePayments },
    { name: `wall time to the last delivery ${at}`, unit: "s", value: f.wallS },
    { name: `drain rate ${at}`, unit: "payments/s", value: f.drainRate },
    { name: `peak calls in flight at the node ${at}`, unit: "calls", value: f.peakInFlight },
    { name: `peak payment calls in flight at the node ${at}`, unit: "calls", value: f.peakPayments },
    { name: `node error answers ${at}`, unit: "answers", value: f.nodeErrors },
  ]
}

/** The node's answer time for payment calls (successful or not), ms. */
const latencyJson = (calls: ReadonlyArray<ProxiedCall>): JsonValue => {
  const s = summarize(calls.filter((c) => isPayment(c.method)).map((c) => round(c.endMs - c.startMs, 2)))
  return s === null ? null : { ...s }
}

const passJson = (p: Pass, f: PassFigures): Record<string, JsonValue> => ({
  account: p.account,
  address: p.address,
  figures: { ...f },
  clients: {
    attempted: p.workload.attempted,
    ok: p.workload.ok,
    failed: p.workload.failed,
    failures: p.workload.failures.map((x) => ({ detail: x.detail, count: x.count })),
    wallS: round((p.workload.finishedAt - p.workload.startedAt) / 1000, 2),
  },
  wallet: {
    requested: p.check.requested,
    delivered: p.check.delivered,
    exactlyOnce: p.check.exactlyOnce,
    duplicated: p.check.duplicated,
    extraPayments: p.check.extraPayments,
    missing: p.check.missing,
    unexpected: p.check.unexpected,
    duplicateSamples: p.check.duplicateSamples.map((d) => ({ amount: d.amount, times: d.times })),
  },
  node: {
    paymentLatencyMs: latencyJson(p.calls),
    calls: p.stats.calls,
    byMethod: { ...p.stats.byMethod },
    errors: p.stats.errors,
    errorGroups: p.stats.errorGroups.map((g) => ({ method: g.method, error: g.error, count: g.count })),
    peakInFlight: p.stats.peakInFlight,
  },
})

const gatewayJson = (g: GatewayPass, f: PassFigures): JsonValue => ({
  ...passJson(g, f),
  processes: { consumers: g.processes.consumers, producers: g.processes.producers },
  slowestReadyMs: round(g.readyMs, 1),
  results: {
    byStatus: Object.fromEntries(Object.entries(g.final.byStatus).map(([k, v]) => [k, v ?? 0])),
    failureReasons: g.final.reasons.map(([reason, count]) => ({ reason, count })),
    allFinalS: g.final.lastFinalAt === null ? null : round((g.final.lastFinalAt - g.workload.startedAt) / 1000, 2),
  },
})

/** Cumulative deliveries at the node over time, one line per pass. */
export const paperTimeline = (input: PaperInput): LineChart => {
  const passes = [input.gateway, input.direct].filter((p): p is Pass => p !== undefined)
  return {
    kind: "line",
    title: "Paper A workload: payments delivered to the wallet over time",
    xLabel: "seconds since the first request",
    yLabel: "payments delivered (cumulative)",
    series: passes.map((p) => {
      const done = deliveries(p.calls)
      // One point per tenth of the deliveries keeps the line readable at 1,000 payments.
      const step = Math.max(1, Math.floor(done.length / 100))
      const points = done
        .map((t, i): readonly [number, number] => [round((t - p.workload.startedAt) / 1000, 2), i + 1])
        .filter((_, i) => i % step === 0 || i === done.length - 1)
      return { name: p.kind === "gateway" ? "through the gateway" : "direct to the wallet", points: [[0, 0] as const, ...points] }
    }),
  }
}

/** The report. */
export const paperReport = (input: PaperInput): BenchReport => {
  const g = input.gateway === undefined ? undefined : passFigures(input.gateway, input.total)
  const d = input.direct === undefined ? undefined : passFigures(input.direct, input.total)
  const directName = "the same workers sent directly to the wallet"
  const comparisons: Array<Comparison> = []
  if (g !== undefined) {
    comparisons.push(
      { measure: "paper A: delivered exactly once through the gateway", unit: "requests", value: g.exactlyOnce, reference: input.total, referenceName: "requests sent", target: ratioAtLeast(1) },
      { measure: "duplicate payments through the gateway", unit: "payments", value: g.duplicatePayments, reference: null, target: valueAtMost(0) },
      { measure: "peak payment calls in flight at the node (gateway)", unit: "calls", value: g.peakPayments, reference: d?.peakPayments ?? null, referenceName: directName, target: valueAtMost(input.maxInFlight) },
    )
  }
  if (g !== undefined && d !== undefined) {
    comparisons.push(
      { measure: "delivered: gateway vs direct", unit: "requests", value: g.delivered, reference: d.delivered, referenceName: directName },
      { measure: "failed: gateway vs direct", unit: "requests", value: g.failed, reference: d.failed, referenceName: directName },
      { measure: "drain rate: gateway vs direct", unit: "payments/s", value: g.drainRate, reference: d.drainRate, referenceName: directName },
    )
  }
  if (g === undefined && d !== undefined) {
    comparisons.push({ measure: "delivered exactly once, direct to the wallet", unit: "requests", value: d.exactlyOnce, reference: input.total, referenceName: "requests sent" })
  }
  const series = [...(g === undefined ? [] : ["through the gateway"]), ...(d === undefined ? [] : ["direct to the wallet"])]
  const both = (pick: (f: PassFigures) => number) => [...(g === undefined ? [] : [pick(g)]), ...(d === undefined ? [] : [pick(d)])]
  const groups: ReadonlyArray<BarGroup> = [
    { label: "delivered", values: both((f) => f.delivered) },
    { label: "failed", values: both((f) => f.failed) },
    { label: "peak payment calls at the node", values: both((f) => f.peakPayments) },
  ]
  const timeline = paperTimeline(input)
  const details: Record<string, JsonValue> = {
    note: "delivered = requested amounts the wallet lists as paid to the pass's address (listtransactions); duplicates = extra payments of one amount; failed = requests not delivered (for the gateway: refused at the intake, or accepted and not delivered); wall time = first request to the last successful payment at the node; peak concurrency from the counting proxy in front of the wallet (payment calls, and all calls including health probes and confirmation checks)",
    total: input.total,
    maxInFlight: input.maxInFlight,
    timelineChart: { kind: timeline.kind, title: timeline.title, xLabel: timeline.xLabel, yLabel: timeline.yLabel, series: timeline.series.map((l) => ({ name: l.name, points: l.points.map(([x, y]) => [x, y]) })) },
  }
  if (input.gateway !== undefined && g !== undefined) details.gateway = gatewayJson(input.gateway, g)
  if (input.direct !== undefined && d !== undefined) details.direct = passJson(input.direct, d)
  const lab = input.gateway?.lab === undefined ? undefined : labSection(input.gateway.lab, input.gateway.workload.startedAt, input.gateway.check, input.total, input.direct?.check)
  if (lab !== undefined) details.lab = lab.details
  return {
    figures: [
      ...(input.gateway !== undefined && g !== undefined ? figuresOf(input.gateway, g) : []),
      ...(lab?.figures ?? []),
      ...(input.direct !== undefined && d !== undefined ? figuresOf(input.direct, d) : []),
    ],
    comparisons: [...comparisons, ...(lab?.comparisons ?? [])],
    chart: { kind: "bar", title: "Paper A workload (5 x 10 x 20 sendfrom): through the gateway vs direct", yLabel: "requests / calls", series, groups },
    details,
  }
}
