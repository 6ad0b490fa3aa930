/**
 * The drain bench's report: each drain rate against the node driven
 * directly at its best concurrency, the node errors and lost requests the
 * brief holds at zero, the node's p99 during the burst against its idle
 * p99, a bar chart of the rates, and the burst's timeline as a second chart
 * kept in `details` (and written as its own SVG by the run).
 */
import { type DirectRunResult, directStepJson, type LadderResult } from "../lib/direct-node.ts"
import { blockFill, type BlockFill, type BlockSeen } from "../lib/block-clock.ts"
import type { BarChart, BarGroup, LineChart } from "../lib/chart-svg.ts"
import type { CpuWindow } from "../lib/process-cpu.ts"
import type { BenchReport, Comparison, Figure, JsonValue } from "../lib/results.ts"
import { loopFigureMs as loopMs, type LoopDelayWindow } from "../lib/loop-delay.ts"
import { percentile, rateSeries, round, sortedCopy } from "../lib/stats.ts"
import type { TrackerSummary } from "../lib/status-tracker.ts"
import { ratioAtLeast, ratioAtMost, valueAtMost } from "../lib/target.ts"
import type { PhaseResult } from "./gateway-phase.ts"
import { latencyChart, type LatencyPass, latencyParts } from "./latency.ts"
import { probeWindow, type ProbeSample } from "./side-probe.ts"
import type { Nudge } from "./stall-nudger.ts"
import type { EthNodeState } from "./workload.ts"

/** The brief's targets for draining and bursts. */
export const DRAIN_TARGETS = { drainRatio: 0.9, nodeErrors: 0, lost: 0, p99Ratio: 2 } as const

/** The node's own drain of the pass's size, sent at its best concurrency and timed to the block holding the last send. */
export interface DirectToMined {
  readonly concurrency: number
  /** Sends the node answered, and the ones it refused. */
  readonly sent: number
  readonly failed: number
  /** Answered sends per second (what the ladder measures). */
  readonly sendRatePerSec: number
  /** Epoch ms of the first send, and of the block that held the last answered one (null: not within the wait). */
  readonly from: number
  readonly minedAt: number | null
  /** Sends per second from the first send to that block; null when it never came. */
  readonly ratePerSec: number | null
  /** The blocks seen from the first send until the wait ended. */
  readonly blocks?: ReadonlyArray<BlockSeen>
}

/** Both paths timed to mined (Ethereum): the node driven directly, and the gateway from its first accepted request. */
export interface ToMined {
  readonly direct: DirectToMined
  readonly gatewayMinedAt: number | null
  readonly gatewayRatePerSec: number | null
  /** The blocks seen from the start of the gateway pass until it was mined. */
  readonly gatewayBlocks?: ReadonlyArray<BlockSeen>
}

/** How both passes filled their blocks, against the fullest block either saw. */
export interface BlockFills {
  readonly full: number
  readonly direct: BlockFill
  readonly gateway: BlockFill
}

/**
 * The block fill of both passes, when both were timed to mined and the gateway pass has a
 * start: where the gateway pass spends blocks the node driven directly fills.
 */
export const blockFills = (d: DrainPass): BlockFills | undefined => {
  const m = d.toMined
  const from = d.phase.firstAcceptedAt
  if (m?.direct.blocks === undefined || m.gatewayBlocks === undefined || from === null) return undefined
  const full = Math.max(0, ...m.direct.blocks.map((b) => b.transactions), ...m.gatewayBlocks.map((b) => b.transactions))
  return { full, direct: blockFill(m.direct.blocks, m.direct.sent, m.direct.from, full), gateway: blockFill(m.gatewayBlocks, d.phase.accepted, from, full) }
}

/** Transactions in each block the two passes were mined in, over the seconds since each pass started. */
export const blocksChart = (d: DrainPass): LineChart | undefined => {
  const fills = blockFills(d)
  if (fills === undefined) return undefined
  const { direct, gateway } = fills
  return {
    kind: "line",
    title: `${d.chain} drain: transactions per block (full: ${fills.full}); gateway ${gateway.blocks} blocks (${gateway.ramp} before the first full, ${gateway.dips} short after it), direct ${direct.blocks}, fewest ${gateway.fewest}`,
    xLabel: "seconds since the pass's first send (direct) or first accepted request (gateway)",
    yLabel: "transactions in the block",
    series: [
      { name: "through the gateway", points: gateway.perBlock },
      { name: "node driven directly", points: direct.perBlock },
    ],
  }
}

/** One chain's drain: the direct ladder and the pass through the gateway. */
export interface DrainPass {
  readonly chain: "ethereum" | "bitcoin"
  /** What each direct call was. */
  readonly call: string
  readonly ladder: LadderResult
  readonly phase: PhaseResult
  /** The gateway's in-flight cap on the node during the pass. */
  readonly maxInFlight: number
  /** Transactions found on chain from the pass's senders (Ethereum), or null. */
  readonly mined: number | null
  /** The node's pool and head at the end of the pass (Ethereum), or null. */
  readonly nodeState: EthNodeState | null
  /** Blocks the bench mined because anvil stopped mining during the pass. */
  readonly nudges: ReadonlyArray<Nudge>
  /** CPU by process group over the direct ladder, and the calls it made (Ethereum). */
  readonly directCpu?: CpuWindow & { readonly calls: number }
  /** The node's pool after the direct ladder, and the blocks the bench mined to empty it before the pass (Ethereum). */
  readonly poolBeforePass?: { readonly pendingAtStart: number; readonly minedBlocks: number; readonly pendingAtEnd: number }
  /** Bitcoin: the wallet's unconfirmed coins after the direct calls, and the wait for blocks before the pass. */
  readonly walletBeforePass?: { readonly unconfirmedAtStart: number; readonly unconfirmedAtEnd: number; readonly waitedMs: number }
  /** Ethereum: both paths timed to the block holding their last transaction. */
  readonly toMined?: ToMined
  /** Ethereum: the untimed pass before the drain pass that warms the brokers (`--eth-warmup`). */
  readonly warmup?: { readonly requests: number; readonly final: number; readonly e2eRatePerSec: number | null }
}

/** The burst through the gateway and the same burst sent directly, each probed from the side. */
export interface BurstPass {
  readonly phase: PhaseResult
  readonly maxInFlight: number
  readonly mined: number | null
  readonly nodeState: EthNodeState | null
  /** Blocks the bench mined because anvil stopped mining, during the gateway burst and the direct one. */
  readonly nudges: ReadonlyArray<Nudge>
  readonly directNudges: ReadonlyArray<Nudge>
  /** The node's best direct rate (from the Ethereum drain's ladder), or null when it did not run. */
  readonly capacity: number | null
  /** The side probe, on a thread of its own. */
  readonly probe: ReadonlyArray<ProbeSample>
  /** The same probe in the bench's own event loop (the only one before 6 December 13:30), which also times the bench's turns. */
  readonly loopProbe: ReadonlyArray<ProbeSample>
  /** Epoch ms: idle window `[idleFrom, phase.submitFrom)`. */
  readonly idleFrom: number
  readonly direct: DirectRunResult
  readonly directProbe: ReadonlyArray<ProbeSample>
  readonly directLoopProbe: ReadonlyArray<ProbeSample>
  /** Epoch ms: the direct burst's idle window `[directIdleFrom, directFrom)` and its run `[directFrom, directTo)`. */
  readonly directIdleFrom: number
  readonly directFrom: number
  readonly directTo: number
}

/** Latency figures of one probe window. */
export interface ProbeStats {
  readonly count: number
  readonly failed: number
  readonly p50: number | null
  readonly p99: number | null
  readonly max: number | null
}

/** p50/p99/max of the probes sent in `[from, to)`. */
export const probeStats = (samples: ReadonlyArray<ProbeSample>, from: number, to: number): ProbeStats => {
  const w = probeWindow(samples, from, to)
  const sorted = sortedCopy(w.latencies)
  return {
    count: sorted.length,
    failed: w.failed,
    p50: percentile(sorted, 0.5) ?? null,
    p99: percentile(sorted, 0.99) ?? null,
    max: sorted[sorted.length - 1] ?? null,
  }
}

/** Failed + DLQ'd requests plus the consumer's retries: every way a node call went wrong. */
export const nodeErrors = (p: PhaseResult): number => p.final.failed + p.final.dlq + p.gateway.retries

/** Accepted requests that were not final when the wait ended. */
export const lost = (p: PhaseResult): number => Math.max(0, p.accepted - p.final.final)

/** When the burst stopped loading the node: the last request reaching it, else the end of submission. */
export const burstEnd = (b: BurstPass): number => b.phase.reached.lastReachedAt ?? b.phase.submitTo

const summaryJson = (s: TrackerSummary): JsonValue => ({
  seen: s.seen,
  byStatus: { ...s.byStatus },
  reachedNode: s.reachedNode,
  final: s.final,
  failed: s.failed,
  dlq: s.dlq,
  firstAcceptedAt: s.firstAcceptedAt,
  lastReachedAt: s.lastReachedAt,
  lastFinalAt: s.lastFinalAt,
  reasons: s.reasons.map(([reason, count]) => ({ reason, count })),
})

const phaseJson = (p: PhaseResult): JsonValue => {
  const origin = p.firstAcceptedAt ?? p.submitFrom
  return {
    accepted: p.accepted,
    firstAcceptedAt: p.firstAcceptedAt,
    submit: { calls: p.submit.calls, okCalls: p.submit.okCalls, wallMs: p.submit.wallMs, itemsPerSec: p.submit.itemsPerSec, failures: p.submit.failures.map((f) => ({ ...f })) },
    reached: summaryJson(p.reached),
    final: summaryJson(p.final),
    e2eRatePerSec: p.e2eRatePerSec === null ? null : round(p.e2eRatePerSec, 1),
    confirmRatePerSec: p.confirmRatePerSec === null ? null : round(p.confirmRatePerSec, 1),
    reachedPerSecond: rateSeries(p.reachedTimes.map((t) => t - origin), Math.max(1, (p.reached.lastReachedAt ?? origin) - origin)).map(([s, v]) => [s, v]),
    gateway: {
      peakInFlight: p.gateway.peakInFlight,
      calls: p.gateway.calls,
      requests: p.gateway.requests,
      retries: p.gateway.retries,
      transactions: p.gateway.transactions,
      recordsCommitted: p.gateway.recordsCommitted,
      breakerOpenSeen: p.gateway.breakerOpenSeen,
      warnings: { ...p.gateway.warnings },
    },
    readyMs: round(p.readyMs, 1),
  }
}

const loopJson = (w: LoopDelayWindow): JsonValue => ({ ticks: w.ticks, p99Ms: loopMs(w.p99Ms), lateShare: round(w.lateShare, 4) })

const roundAll = (r: Readonly<Record<string, number>>): JsonValue => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v, 2)]))

const rate = (v: number | null) => (v === null ? 0 : round(v, 1))

/** The process groups a CPU breakdown shows, in this order; the path is the first three. */
const cpuGroups = ["gateway", "kafka", "anvil", "bench"] as const
const pathGroups = ["gateway", "kafka", "anvil"] as const

/** CPU ms of each group per request through the gateway and per call driven directly, and the cores busy in each window; undefined when not measured. */
export const cpuPerRequest = (d: DrainPass) => {
  const through = d.phase.cpu
  const direct = d.directCpu
  if (through === undefined || direct === undefined || d.phase.accepted === 0 || direct.calls === 0) return undefined
  const per = (w: CpuWindow, n: number) => Object.fromEntries(cpuGroups.map((g) => [g, round((1000 * (w.seconds[g] ?? 0)) / n, 3)])) as Record<(typeof cpuGroups)[number], number>
  const busy = (w: CpuWindow) => round(Object.values(w.seconds).reduce((a, b) => a + b, 0) / Math.max(w.wallSeconds, 1e-9), 2)
  const path = (r: Record<(typeof cpuGroups)[number], number>) => round(pathGroups.reduce((n, g) => n + r[g], 0), 3)
  const t = per(through, d.phase.accepted)
  const dr = per(direct, direct.calls)
  return { through: t, direct: dr, throughPath: path(t), directPath: path(dr), throughBusy: busy(through), directBusy: busy(direct) }
}

/** The Ethereum drain's CPU per request by process, through the gateway and driven directly. */
export const cpuChart = (d: DrainPass): BarChart | undefined => {
  const cpu = cpuPerRequest(d)
  if (cpu === undefined) return undefined
  return {
    kind: "bar",
    title: `${d.chain} drain: CPU per request by process (${cpu.throughBusy} cores busy through the gateway, ${cpu.directBusy} driven directly)`,
    yLabel: "CPU ms per request",
    series: ["through the gateway", "node driven directly"],
    groups: cpuGroups.map((g) => ({ label: g, values: [cpu.through[g], cpu.direct[g]], note: "" })),
  }
}

/** A drain's bar pair, through the gateway then direct, with its ratio and the drain target. */
const rateGroup = (label: string, through: number, direct: number): BarGroup => ({
  label,
  values: [through, direct],
  note: direct > 0 ? `${(through / direct).toFixed(2)}x` : "-",
  target: { value: direct * DRAIN_TARGETS.drainRatio, label: `target >= ${DRAIN_TARGETS.drainRatio}x` },
})

const drainParts = (d: DrainPass) => {
  const best = d.ladder.best
  const e2e = rate(d.phase.e2eRatePerSec)
  const figures: Array<Figure> = [
    { name: `${d.chain}: direct best rate (c=${best.concurrency})`, unit: "requests/s", value: best.ratePerSec },
    { name: `${d.chain}: gateway end-to-end rate`, unit: "requests/s", value: e2e },
    { name: `${d.chain}: gateway rate to confirmed`, unit: "requests/s", value: rate(d.phase.confirmRatePerSec) },
    { name: `${d.chain}: accepted`, unit: "requests", value: d.phase.accepted },
    { name: `${d.chain}: not final at the end of the wait`, unit: "requests", value: lost(d.phase) },
    { name: `${d.chain}: gateway peak in-flight (cap ${d.maxInFlight})`, unit: "calls", value: d.phase.gateway.peakInFlight },
    ...(d.phase.gateway.requests > 0 ? [{ name: `${d.chain}: gateway calls to the node per round trip`, unit: "calls", value: round(d.phase.gateway.calls / d.phase.gateway.requests, 2) }] : []),
    ...(d.mined === null ? [] : [{ name: `${d.chain}: transactions on chain from the pass's senders`, unit: "transactions", value: d.mined }]),
    ...(d.chain === "ethereum" ? [{ name: `${d.chain}: node stalls the bench mined through (evm_mine)`, unit: "blocks", value: d.nudges.length }] : []),
  ]
  const comparisons: Array<Comparison> = [
    { measure: `${d.chain}: end-to-end drain rate`, unit: "requests/s", value: e2e, reference: best.ratePerSec, referenceName: `direct, c=${best.concurrency}`, target: ratioAtLeast(DRAIN_TARGETS.drainRatio) },
    { measure: `${d.chain}: node errors during the drain`, unit: "errors", value: nodeErrors(d.phase), reference: best.failed, referenceName: "direct best step", target: valueAtMost(DRAIN_TARGETS.nodeErrors) },
  ]
  const minedGroup: BarGroup[] = []
  if (d.toMined !== undefined) {
    const m = d.toMined
    const direct = m.direct.ratePerSec ?? 0
    const through = m.gatewayRatePerSec ?? 0
    figures.push(
      { name: `${d.chain}: direct sends answered, ${m.direct.sent} at c=${m.direct.concurrency}`, unit: "requests/s", value: m.direct.sendRatePerSec },
      { name: `${d.chain}: direct drain to mined, ${m.direct.sent} sends at c=${m.direct.concurrency}`, unit: "requests/s", value: direct },
      { name: `${d.chain}: gateway drain to mined`, unit: "requests/s", value: through },
    )
    comparisons.push({ measure: `${d.chain}: drain rate to mined`, unit: "requests/s", value: through, reference: direct, referenceName: `direct, ${m.direct.sent} sends at c=${m.direct.concurrency}, to mined`, target: ratioAtLeast(DRAIN_TARGETS.drainRatio) })
    minedGroup.push(rateGroup(`${d.chain} drain, to mined`, through, direct))
    const fills = blockFills(d)
    if (fills !== undefined) {
      figures.push(
        { name: `${d.chain}: blocks holding the direct pass (full: ${fills.full} transactions)`, unit: "blocks", value: fills.direct.blocks },
        { name: `${d.chain}: blocks holding the gateway pass`, unit: "blocks", value: fills.gateway.blocks },
        { name: `${d.chain}: fewest blocks that hold the pass`, unit: "blocks", value: fills.gateway.fewest },
        { name: `${d.chain}: gateway pass, blocks before its first full one`, unit: "blocks", value: fills.gateway.ramp },
        { name: `${d.chain}: gateway pass, blocks short of full after it`, unit: "blocks", value: fills.gateway.dips },
      )
    }
  }
  const cpu = cpuPerRequest(d)
  if (cpu !== undefined) {
    for (const g of cpuGroups) figures.push({ name: `${d.chain}: CPU per request through the gateway, ${g}`, unit: "ms", value: cpu.through[g] })
    for (const g of cpuGroups) figures.push({ name: `${d.chain}: CPU per call driven directly, ${g}`, unit: "ms", value: cpu.direct[g] })
    figures.push({ name: `${d.chain}: cores busy through the gateway (all measured processes)`, unit: "cores", value: cpu.throughBusy })
    comparisons.push({ measure: `${d.chain}: CPU per request, gateway + Kafka + node (no target)`, unit: "ms", value: cpu.throughPath, reference: cpu.directPath, referenceName: "same processes, node driven directly" })
  }
  const loop = d.phase.loopDelay
  if (loop !== undefined) {
    figures.push(
      { name: `${d.chain}: gateway event-loop delay p99 through the pass (bucket bound, 1000 = past 1 s)`, unit: "ms", value: loopMs(loop.through.p99Ms) },
      { name: `${d.chain}: gateway event-loop ticks more than 50 ms late through the pass`, unit: "%", value: round(100 * loop.through.lateShare, 1) },
      { name: `${d.chain}: gateway event-loop delay p99 idle before the pass`, unit: "ms", value: loopMs(loop.idle.p99Ms) },
    )
    comparisons.push({ measure: `${d.chain}: gateway event-loop delay p99 (no target)`, unit: "ms", value: loopMs(loop.through.p99Ms), reference: loopMs(loop.idle.p99Ms), referenceName: "the same gateway idle, the second before the pass" })
  }
  const group = rateGroup(`${d.chain} drain`, e2e, best.ratePerSec)
  const cpuJson: JsonValue | undefined =
    cpu === undefined || d.phase.cpu === undefined || d.directCpu === undefined
      ? undefined
      : {
          perRequestMs: { through: { ...cpu.through }, direct: { ...cpu.direct } },
          through: { wallSeconds: round(d.phase.cpu.wallSeconds, 2), requests: d.phase.accepted, seconds: roundAll(d.phase.cpu.seconds) },
          direct: { wallSeconds: round(d.directCpu.wallSeconds, 2), calls: d.directCpu.calls, seconds: roundAll(d.directCpu.seconds) },
        }
  const details: JsonValue = {
    call: d.call,
    maxInFlight: d.maxInFlight,
    mined: d.mined,
    nodeStateAtEnd: d.nodeState === null ? null : { ...d.nodeState },
    nudges: d.nudges.map((n) => ({ ...n })),
    direct: { best: best.concurrency, steps: d.ladder.steps.map(directStepJson) },
    gateway: phaseJson(d.phase),
    ...(cpuJson === undefined ? {} : { cpu: cpuJson }),
    ...(loop === undefined ? {} : { loopDelay: { idle: loopJson(loop.idle), through: loopJson(loop.through) } }),
    ...(d.poolBeforePass === undefined ? {} : { poolBeforePass: { ...d.poolBeforePass } }),
    ...(d.warmup === undefined ? {} : { warmup: { ...d.warmup } }),
    ...(d.walletBeforePass === undefined ? {} : { walletBeforePass: { ...d.walletBeforePass } }),
    ...(d.toMined === undefined ? {} : { toMined: toMinedJson(d.toMined) }),
    ...(blockFillsJson(d) ?? {}),
  }
  return { figures, comparisons, group, minedGroup, details }
}

/** The to-mined timings without the raw blocks (their fill is reported beside them). */
const toMinedJson = (m: ToMined): JsonValue => {
  const { blocks: _blocks, ...direct } = m.direct
  const { gatewayBlocks: _gatewayBlocks, ...rest } = m
  return { ...rest, direct: { ...direct } }
}

const fillJson = (f: BlockFill): JsonValue => ({ blocks: f.blocks, fewest: f.fewest, ramp: f.ramp, dips: f.dips, perBlock: f.perBlock.map(([s, n]) => [s, n]) })

const blockFillsJson = (d: DrainPass): { readonly blockFill: JsonValue } | undefined => {
  const fills = blockFills(d)
  return fills === undefined ? undefined : { blockFill: { full: fills.full, direct: fillJson(fills.direct), gateway: fillJson(fills.gateway) } }
}

const burstParts = (b: BurstPass) => {
  const idle = probeStats(b.probe, b.idleFrom, b.phase.submitFrom)
  const during = probeStats(b.probe, b.phase.submitFrom, burstEnd(b))
  const directIdle = probeStats(b.directProbe, b.directIdleFrom, b.directFrom)
  const directDuring = probeStats(b.directProbe, b.directFrom, b.directTo)
  const loopIdle = probeStats(b.loopProbe, b.idleFrom, b.phase.submitFrom)
  const loopDuring = probeStats(b.loopProbe, b.phase.submitFrom, burstEnd(b))
  const directLoopDuring = probeStats(b.directLoopProbe, b.directFrom, b.directTo)
  const submitRate = b.phase.submit.itemsPerSec
  const e2e = rate(b.phase.e2eRatePerSec)
  const figures: Array<Figure> = [
    { name: "burst: accepted", unit: "requests", value: b.phase.accepted },
    { name: "burst: intake rate while submitting", unit: "requests/s", value: submitRate },
    ...(b.capacity === null ? [] : [{ name: "burst: intake rate / node capacity", unit: "x", value: round(submitRate / b.capacity, 1) }]),
    { name: "burst: gateway rate into the node", unit: "requests/s", value: e2e },
    { name: "burst: lost (accepted, not final)", unit: "requests", value: lost(b.phase) },
    { name: "burst: failed + DLQ", unit: "requests", value: b.phase.final.failed + b.phase.final.dlq },
    { name: "burst: consumer retries", unit: "requests", value: b.phase.gateway.retries },
    { name: `burst: gateway peak in-flight (cap ${b.maxInFlight})`, unit: "calls", value: b.phase.gateway.peakInFlight },
    { name: "burst: node p99 idle", unit: "ms", value: idle.p99 ?? Number.NaN },
    { name: "burst: node p99 during the gateway burst", unit: "ms", value: during.p99 ?? Number.NaN },
    { name: "burst: probe failures during the gateway burst", unit: "probes", value: during.failed },
    { name: "direct burst: rate", unit: "requests/s", value: b.direct.ratePerSec },
    { name: "direct burst: failed", unit: "requests", value: b.direct.failed },
    { name: "burst: node p99 idle, probe in the bench's event loop", unit: "ms", value: loopIdle.p99 ?? Number.NaN },
    { name: "burst: node p99 during the gateway burst, probe in the bench's event loop", unit: "ms", value: loopDuring.p99 ?? Number.NaN },
    { name: "direct burst: node p99", unit: "ms", value: directDuring.p99 ?? Number.NaN },
    { name: "direct burst: node p99, probe in the bench's event loop (which also sends the burst)", unit: "ms", value: directLoopDuring.p99 ?? Number.NaN },
    ...(b.mined === null ? [] : [{ name: "burst: transactions on chain from the burst's senders", unit: "transactions", value: b.mined }]),
    { name: "burst: node stalls the bench mined through (evm_mine)", unit: "blocks", value: b.nudges.length },
    { name: "direct burst: node stalls the bench mined through (evm_mine)", unit: "blocks", value: b.directNudges.length },
  ]
  const comparisons: Array<Comparison> = [
    { measure: "burst: lost requests", unit: "requests", value: lost(b.phase), reference: null, target: valueAtMost(DRAIN_TARGETS.lost) },
    { measure: "burst: node errors via the gateway", unit: "errors", value: nodeErrors(b.phase), reference: b.direct.failed, referenceName: "direct burst failures", target: valueAtMost(DRAIN_TARGETS.nodeErrors) },
    { measure: "burst: node p99 during the burst", unit: "ms", value: during.p99 ?? Number.NaN, reference: idle.p99, referenceName: "idle p99", target: ratioAtMost(DRAIN_TARGETS.p99Ratio) },
    { measure: "direct burst: node p99 (no target)", unit: "ms", value: directDuring.p99 ?? Number.NaN, reference: directIdle.p99, referenceName: "idle p99" },
  ]
  const group: BarGroup = { label: "burst into the node", values: [e2e, b.direct.ratePerSec], note: `${lost(b.phase)} lost, ${nodeErrors(b.phase)} vs ${b.direct.failed} errors` }
  const details: JsonValue = {
    maxInFlight: b.maxInFlight,
    capacity: b.capacity,
    mined: b.mined,
    nodeStateAtEnd: b.nodeState === null ? null : { ...b.nodeState },
    nudges: b.nudges.map((n) => ({ ...n })),
    directNudges: b.directNudges.map((n) => ({ ...n })),
    probe: { thread: "its own", idle: { ...idle }, during: { ...during }, directIdle: { ...directIdle }, directDuring: { ...directDuring } },
    loopProbe: { thread: "the bench's event loop", idle: { ...loopIdle }, during: { ...loopDuring }, directDuring: { ...directLoopDuring } },
    gateway: phaseJson(b.phase),
    direct: directStepJson(b.direct),
  }
  return { figures, comparisons, group, details }
}

/** `[second, value]` points folded into one per whole second by `fold` (e.g. a p99 or a max), in time order. */
export const perSecond = (points: ReadonlyArray<readonly [number, number]>, fold: (values: ReadonlyArray<number>) => number): ReadonlyArray<readonly [number, number]> => {
  const buckets = new Map<number, Array<number>>()
  for (const [t, v] of points) {
    const b = Math.floor(t)
    const list = buckets.get(b) ?? []
    list.push(v)
    buckets.set(b, list)
  }
  return [...buckets.entries()].sort(([a], [b]) => a - b).map(([b, values]): readonly [number, number] => [b, fold(values)])
}

const p99Of = (values: ReadonlyArray<number>): number => percentile(sortedCopy(values), 0.99) ?? 0
const maxOf = (values: ReadonlyArray<number>): number => Math.max(...values)

/**
 * The gateway burst's timeline, one point per second from the idle window's
 * start: the side probe's p99 (the node's own latency), the brief's bound
 * (2x the idle p99), and the gateway's in-flight gauge. The direct burst's
 * probe, whose spikes would flatten everything else, stays in `details`.
 */
export const burstTimeline = (b: BurstPass): LineChart => {
  const s = (t: number) => (t - b.idleFrom) / 1000
  const probe = perSecond(b.probe.filter((p) => p.ok && p.at >= b.idleFrom).map((p): readonly [number, number] => [s(p.at), p.ms]), p99Of)
  const inFlight = perSecond(b.phase.gateway.inFlight.filter(([t]) => t >= b.idleFrom).map(([t, v]): readonly [number, number] => [s(t), v]), maxOf)
  const idle = probeStats(b.probe, b.idleFrom, b.phase.submitFrom).p99
  const end = Math.max(1, ...probe.map(([x]) => x), ...inFlight.map(([x]) => x))
  return {
    kind: "line",
    title: "Burst through the gateway: the node's latency (side probe) and the gateway's in-flight calls",
    xLabel: "seconds (idle window first, then the burst)",
    yLabel: "probe p99 ms per second / calls in flight",
    series: [
      { name: "node probe p99 ms", points: probe },
      ...(idle === null ? [] : [{ name: `2x idle p99 (${round(2 * idle, 1)} ms)`, points: [[0, 2 * idle], [end, 2 * idle]] as ReadonlyArray<readonly [number, number]> }]),
      { name: "gateway_node_in_flight (max per s)", points: inFlight },
    ],
  }
}

/** The direct burst's probe p99 per second, from its idle window's start (kept in details). */
const directTimeline = (b: BurstPass): ReadonlyArray<readonly [number, number]> =>
  perSecond(b.directProbe.filter((p) => p.ok && p.at >= b.directIdleFrom).map((p): readonly [number, number] => [(p.at - b.directIdleFrom) / 1000, p.ms]), p99Of)

/** The whole report; absent passes are left out. */
export const drainReport = (passes: {
  readonly ethereum?: DrainPass
  readonly bitcoin?: DrainPass
  readonly burst?: BurstPass
  readonly latency?: LatencyPass
  /** 1, 5 and 15 minute load averages at the start and the end of the run (the machine is shared). */
  readonly loadAverage?: { readonly start: ReadonlyArray<number>; readonly end: ReadonlyArray<number> }
}): BenchReport => {
  const ethereum = passes.ethereum === undefined ? undefined : drainParts(passes.ethereum)
  const bitcoin = passes.bitcoin === undefined ? undefined : drainParts(passes.bitcoin)
  const burst = passes.burst === undefined ? undefined : burstParts(passes.burst)
  const latency = passes.latency === undefined ? undefined : latencyParts(passes.latency)
  const all = [ethereum, bitcoin, burst, latency].filter((p) => p !== undefined)
  const details: Record<string, JsonValue> = {
    note: "end-to-end = first request accepted to the last reaching the node (Ethereum: signed, recorded before the send: a run records a sender's transfers together and sends them one by one in nonce order, so under load the sends trail the records by seconds; Bitcoin: submitted), from the run's results topic; to mined (Ethereum) = first send or first request accepted to the first sight of the block holding the last transaction, the head polled every 50 ms; node errors = failed + DLQ + consumer retries; gateway_node_in_flight is refreshed by the gateway's 2 s health probe",
  }
  if (passes.loadAverage !== undefined) details.loadAverage = { start: passes.loadAverage.start.map((x) => round(x, 2)), end: passes.loadAverage.end.map((x) => round(x, 2)) }
  if (ethereum !== undefined) details.ethereum = ethereum.details
  if (bitcoin !== undefined) details.bitcoin = bitcoin.details
  if (burst !== undefined && passes.burst !== undefined) {
    details.burst = burst.details
    const t = burstTimeline(passes.burst)
    details.directBurstProbeP99PerSecond = directTimeline(passes.burst).map(([x, y]) => [x, y])
    details.timelineChart = { kind: t.kind, title: t.title, xLabel: t.xLabel, yLabel: t.yLabel, series: t.series.map((l) => ({ name: l.name, points: l.points.map(([x, y]) => [x, y]) })) }
  }
  if (latency !== undefined && passes.latency !== undefined) {
    details.latency = latency.details
    const c = latencyChart(passes.latency)
    details.latencyChart = { kind: c.kind, title: c.title, xLabel: c.xLabel, yLabel: c.yLabel, series: c.series.map((l) => ({ name: l.name, points: l.points.map(([x, y]) => [x, y]) })) }
  }
  return {
    figures: all.flatMap((p) => p.figures),
    comparisons: all.flatMap((p) => p.comparisons),
    chart: {
      kind: "bar",
      title: "Rate into one node: through the gateway vs driven directly",
      yLabel: "requests/s",
      series: ["through the gateway", "node driven directly"],
      groups: [...[ethereum, bitcoin].flatMap((p) => (p === undefined ? [] : [p.group, ...p.minedGroup])), ...(burst === undefined ? [] : [burst.group])],
    },
    details,
  }
}
