/**
 * The reads bench's report. Every figure is set against a reference from
 * the same run: reads per second through the gateway against the same
 * clients reading straight from anvil (target >= 10x); the node calls each
 * client read cost (eth_getBalance items the proxies saw ÷ reads, <= 0.05);
 * the read p99 against the idle node's own p99 (<= 1x); each node's peak
 * in-flight against its cap (<= 1x: never over); the burst's drain rate
 * with the read storm against the same burst alone (>= 0.95x); and the
 * sampled answers checked against the node for the block they named
 * (mismatches and stale answers held at 0; answer-check.ts says why the
 * node is asked twice). A bar chart shows the read rates; `timeline.ts`
 * draws the passes over time.
 */
import type { BenchReport, Comparison, Figure, JsonValue } from "../lib/results.ts"
import { round } from "../lib/stats.ts"
import { ratioAtLeast, ratioAtMost, valueAtMost } from "../lib/target.ts"
import type { ProxyStats } from "../paper/counting-proxy.ts"
import type { AnswerVerdict } from "./answer-check.ts"
import { allItems, itemsByMethod, methodItems, overNodes, requestsCarrying } from "./method-count.ts"
import type { PoolPassResult } from "./pool-pass.ts"
import type { StormResult } from "./read-storm.ts"
import { readsTimeline } from "./timeline.ts"

/** The brief's targets. */
export const READS_TARGETS = { readRatio: 10, callsPerRead: 0.05, p99Ratio: 1, capRatio: 1, drainRatio: 0.95, mismatches: 0, stale: 0 } as const

/** One pool size: its drain-only pass, its reads pass and the check of the reads pass's sampled answers. */
export interface PoolRun {
  readonly nodes: number
  readonly drainOnly: PoolPassResult | null
  readonly reads: PoolPassResult | null
  readonly verdict: AnswerVerdict | null
}

/** Everything the report is made from. */
export interface ReadsInput {
  /** One client, straight to the idle node (no proxy). */
  readonly idle: StormResult
  /** The same clients straight to anvil through one counting proxy; null when left out. */
  readonly direct: { readonly storm: StormResult; readonly proxy: ProxyStats } | null
  readonly pools: ReadonlyArray<PoolRun>
  readonly setup: Readonly<Record<string, JsonValue>>
}

const poolName = (n: number) => `${n} node${n === 1 ? "" : "s"}`
const p99 = (s: StormResult | null | undefined): number | null => s?.latencyMs?.p99 ?? null

/** eth_getBalance items the nodes saw during the storm, per successful client read. */
export const callsPerRead = (pass: PoolPassResult): number | null => {
  if (pass.storm === null || pass.stormProxies === null || pass.storm.ok === 0) return null
  return overNodes(pass.stormProxies, (s) => methodItems(s.byMethod)) / pass.storm.ok
}

/** Each node's highest in-flight over the passes given. */
export const peakPerNode = (passes: ReadonlyArray<PoolPassResult>): Readonly<Record<string, { readonly peak: number; readonly cap: number }>> => {
  const out: Record<string, { peak: number; cap: number }> = {}
  for (const p of passes) {
    for (const [node, stats] of Object.entries(p.passProxies)) {
      const seen = out[node]
      out[node] = { peak: Math.max(seen?.peak ?? 0, stats.peakInFlight), cap: p.caps[node] ?? seen?.cap ?? 0 }
    }
  }
  return out
}

const stormJson = (s: StormResult): JsonValue => ({
  clients: s.clients,
  durationMs: s.durationMs,
  attempted: s.attempted,
  ok: s.ok,
  failed: s.failed,
  failures: s.failures.slice(0, 10).map((f) => ({ ...f })),
  wallMs: round(s.wallMs, 1),
  readsPerSec: s.readsPerSec,
  latencyMs: s.latencyMs === null ? null : Object.fromEntries(Object.entries(s.latencyMs).map(([k, v]) => [k, round(v, 3)])),
  cache: { ...s.cache },
  nodes: { ...s.nodes },
  hedged: s.hedged,
  withoutBlock: s.withoutBlock,
  judged: s.judged,
  stale: s.stale,
  maxBlocksBehind: s.maxBlocksBehind,
  staleExamples: s.staleExamples.map((e) => ({ ...e })),
  sampled: s.samples.length,
})

const proxyJson = (stats: Readonly<Record<string, ProxyStats>>): JsonValue =>
  Object.fromEntries(Object.entries(stats).map(([n, s]): [string, JsonValue] => [n, { calls: s.calls, errors: s.errors, peakInFlight: s.peakInFlight, byMethod: { ...s.byMethod }, errorGroups: s.errorGroups.slice(0, 5).map((g) => ({ ...g })) }]))

const passJson = (p: PoolPassResult): JsonValue => ({
  kind: p.kind,
  nodes: [...p.nodes],
  caps: { ...p.caps },
  storm: p.storm === null ? null : stormJson(p.storm),
  stormProxies: p.stormProxies === null ? null : proxyJson(p.stormProxies),
  stormItemsByMethod: p.stormProxies === null ? null : { ...itemsByMethod(p.stormProxies) },
  passProxies: proxyJson(p.passProxies),
  drain: {
    accepted: p.drain.accepted,
    submitMs: p.drain.submitTo - p.drain.submitFrom,
    submitFailures: p.drain.submit.failures.map((f) => ({ ...f })),
    reachedNode: p.drain.reached.reachedNode,
    final: p.drain.final.final,
    byStatus: { ...p.drain.final.byStatus },
    reasons: p.drain.final.reasons.map(([reason, count]) => ({ reason, count })),
    reachedRatePerSec: p.drain.reachedRatePerSec === null ? null : round(p.drain.reachedRatePerSec, 1),
    confirmRatePerSec: p.drain.confirmRatePerSec === null ? null : round(p.drain.confirmRatePerSec, 1),
    onChain: p.drain.onChain === null ? null : { ...p.drain.onChain },
    burstAfterPassStartMs: p.drain.submitFrom - p.passFrom,
    lastReachedAfterPassStartMs: p.drain.reached.lastReachedAt === null ? null : p.drain.reached.lastReachedAt - p.passFrom,
  },
  metrics: p.metrics === null ? null : { outcomes: { ...p.metrics.outcomes }, nodeCalls: { ...p.metrics.nodeCalls }, hedged: p.metrics.hedged, cacheEntries: p.metrics.cacheEntries, carried: p.metrics.carried },
  nudges: p.nudges.map((n) => ({ ...n })),
  warnings: { ...p.warnings },
  readyMs: round(p.readyMs, 1),
})

const poolParts = (pool: PoolRun, input: ReadsInput) => {
  const name = poolName(pool.nodes)
  const figures: Array<Figure> = []
  const comparisons: Array<Comparison> = []
  const direct = input.direct?.storm ?? null
  const r = pool.reads
  const storm = r?.storm ?? null
  if (r !== null && storm !== null) {
    const stormProxies = r.stormProxies ?? {}
    const readItems = overNodes(stormProxies, (s) => methodItems(s.byMethod))
    const totalItems = overNodes(stormProxies, (s) => allItems(s.byMethod))
    const perRead = callsPerRead(r)
    figures.push(
      { name: `${name}: reads/s through the gateway`, unit: "reads/s", value: storm.readsPerSec },
      { name: `${name}: successful reads`, unit: "reads", value: storm.ok },
      { name: `${name}: failed reads`, unit: "reads", value: storm.failed },
      { name: `${name}: read p50`, unit: "ms", value: round(storm.latencyMs?.p50 ?? Number.NaN, 2) },
      { name: `${name}: read p99`, unit: "ms", value: round(storm.latencyMs?.p99 ?? Number.NaN, 2) },
      { name: `${name}: slowest read`, unit: "ms", value: round(storm.latencyMs?.max ?? Number.NaN, 1) },
      { name: `${name}: cache hits (X-Gateway-Cache)`, unit: "reads", value: storm.cache.hit ?? 0 },
      { name: `${name}: cache misses`, unit: "reads", value: storm.cache.miss ?? 0 },
      { name: `${name}: merged into a read in flight`, unit: "reads", value: storm.cache.merged ?? 0 },
      { name: `${name}: hedged reads`, unit: "reads", value: storm.hedged },
      { name: `${name}: answers carried to a new head its block did not touch (gateway metric, whole pass)`, unit: "answers", value: r.metrics?.carried ?? 0 },
      { name: `${name}: eth_getBalance items the nodes saw during the storm`, unit: "calls", value: readItems },
      { name: `${name}: HTTP requests carrying them`, unit: "requests", value: overNodes(stormProxies, (s) => requestsCarrying(s.byMethod)) },
      { name: `${name}: every call the nodes saw during the storm (drain included)`, unit: "calls", value: totalItems },
      { name: `${name}: every node call per read (drain included)`, unit: "calls/read", value: storm.ok === 0 ? Number.NaN : round(totalItems / storm.ok, 4) },
      { name: `${name}: answers naming no block`, unit: "reads", value: storm.withoutBlock },
      { name: `${name}: most blocks an answer was behind the head at the ask`, unit: "blocks", value: storm.maxBlocksBehind },
    )
    comparisons.push(
      { measure: `${name}: reads/s through the gateway`, unit: "reads/s", value: storm.readsPerSec, reference: direct?.readsPerSec ?? null, referenceName: "anvil directly, same clients", target: ratioAtLeast(READS_TARGETS.readRatio) },
      { measure: `${name}: node calls per client read (eth_getBalance)`, unit: "calls/read", value: perRead === null ? Number.NaN : round(perRead, 4), reference: null, target: valueAtMost(READS_TARGETS.callsPerRead) },
      { measure: `${name}: read p99 through the gateway`, unit: "ms", value: round(storm.latencyMs?.p99 ?? Number.NaN, 2), reference: p99(input.idle), referenceName: "idle node, 1 client", target: ratioAtMost(READS_TARGETS.p99Ratio) },
      { measure: `${name}: failed reads (no target)`, unit: "reads", value: storm.failed, reference: direct?.failed ?? null, referenceName: "anvil directly" },
      { measure: `${name}: stale answers (block < head at ask - 1) of ${storm.judged}`, unit: "answers", value: storm.stale, reference: null, target: valueAtMost(READS_TARGETS.stale) },
    )
  }
  if (pool.verdict !== null) {
    figures.push(
      { name: `${name}: sampled answers checked against the node`, unit: "answers", value: pool.verdict.checked },
      { name: `${name}: sampled answers that could not be checked`, unit: "answers", value: pool.verdict.unchecked },
      { name: `${name}: wrong answers the node itself gave for that block as the sample came in`, unit: "answers", value: pool.verdict.mismatchesTheNodeGaveToo },
      { name: `${name}: sampled blocks the node answered differently as the sample came in than after the pass`, unit: "answers", value: pool.verdict.nodeChangedItsAnswer },
    )
    comparisons.push({ measure: `${name}: wrong answers of ${pool.verdict.checked} checked`, unit: "answers", value: pool.verdict.mismatches, reference: null, target: valueAtMost(READS_TARGETS.mismatches) })
  }
  const passes = [pool.drainOnly, pool.reads].filter((p) => p !== null)
  for (const [node, { peak, cap }] of Object.entries(peakPerNode(passes))) {
    comparisons.push({ measure: `${name}: ${node} peak in-flight (proxy)`, unit: "calls", value: peak, reference: cap, referenceName: "its max_in_flight", target: ratioAtMost(READS_TARGETS.capRatio) })
  }
  const withReads = r?.drain.reachedRatePerSec ?? null
  const alone = pool.drainOnly?.drain.reachedRatePerSec ?? null
  for (const [pass, label] of [[pool.drainOnly, "alone"], [r, "with the read storm"]] as const) {
    if (pass === null) continue
    figures.push(
      { name: `${name}: burst drain rate ${label}`, unit: "requests/s", value: round(pass.drain.reachedRatePerSec ?? Number.NaN, 1) },
      { name: `${name}: burst confirmed rate ${label}`, unit: "requests/s", value: round(pass.drain.confirmRatePerSec ?? Number.NaN, 1) },
      { name: `${name}: burst not final at the end of the wait, ${label}`, unit: "requests", value: Math.max(0, pass.drain.accepted - pass.drain.final.final) },
      { name: `${name}: node stalls the bench mined through (evm_mine), ${label}`, unit: "blocks", value: pass.nudges.length },
      { name: `${name}: burst transfers on chain beyond its confirmed requests (paid twice if above 0), ${label}`, unit: "transfers", value: pass.drain.onChain === null ? Number.NaN : pass.drain.onChain.transfers - (pass.drain.final.byStatus.confirmed ?? 0) },
    )
  }
  if (withReads !== null) {
    comparisons.push({ measure: `${name}: burst drain rate with the read storm`, unit: "requests/s", value: round(withReads, 1), reference: alone === null ? null : round(alone, 1), referenceName: "the same burst alone", target: ratioAtLeast(READS_TARGETS.drainRatio) })
  }
  const confirmedWithReads = r?.drain.confirmRatePerSec ?? null
  const confirmedAlone = pool.drainOnly?.drain.confirmRatePerSec ?? null
  if (confirmedWithReads !== null) {
    comparisons.push({ measure: `${name}: burst confirmed rate with the read storm (no target)`, unit: "requests/s", value: round(confirmedWithReads, 1), reference: confirmedAlone === null ? null : round(confirmedAlone, 1), referenceName: "the same burst alone" })
  }
  const details: JsonValue = {
    drainOnly: pool.drainOnly === null ? null : passJson(pool.drainOnly),
    reads: r === null ? null : passJson(r),
    verdict: pool.verdict === null ? null : { ...pool.verdict, examples: pool.verdict.examples.map((e) => ({ ...e })), uncheckedReasons: { ...pool.verdict.uncheckedReasons } },
  }
  return { name, figures, comparisons, details, readsPerSec: storm?.readsPerSec ?? null }
}

/** The whole report; passes left out are left out of it. */
export const readsReport = (input: ReadsInput): BenchReport => {
  const direct = input.direct?.storm ?? null
  const pools = input.pools.map((p) => poolParts(p, input))
  const figures: Array<Figure> = [
    { name: "idle node: eth_getBalance p50, 1 client, no proxy", unit: "ms", value: round(input.idle.latencyMs?.p50 ?? Number.NaN, 3) },
    { name: "idle node: eth_getBalance p99, 1 client, no proxy", unit: "ms", value: round(input.idle.latencyMs?.p99 ?? Number.NaN, 3) },
    ...(direct === null
      ? []
      : [
          { name: "anvil directly: reads/s", unit: "reads/s", value: direct.readsPerSec },
          { name: "anvil directly: read p99", unit: "ms", value: round(direct.latencyMs?.p99 ?? Number.NaN, 2) },
          { name: "anvil directly: failed reads", unit: "reads", value: direct.failed },
          { name: "anvil directly: proxy peak in-flight", unit: "calls", value: input.direct?.proxy.peakInFlight ?? 0 },
        ]),
    ...pools.flatMap((p) => p.figures),
  ]
  const measured = pools.filter((p) => p.readsPerSec !== null)
  return {
    figures,
    comparisons: pools.flatMap((p) => p.comparisons),
    chart: {
      kind: "bar",
      title: "Balance reads per second: through the gateway vs the same clients straight to anvil",
      yLabel: "successful reads/s",
      series: ["through the gateway", "anvil directly"],
      groups: measured.map((p) => ({
        label: p.name,
        values: [p.readsPerSec ?? 0, direct?.readsPerSec ?? 0],
        note: direct === null || direct.readsPerSec === 0 ? "-" : `${((p.readsPerSec ?? 0) / direct.readsPerSec).toFixed(2)}x`,
        ...(direct === null ? {} : { target: { value: direct.readsPerSec * READS_TARGETS.readRatio, label: `target >= ${READS_TARGETS.readRatio}x` } }),
      })),
    },
    details: {
      note: "The pools' nodes are counting proxies, each its own [[nodes]] entry with its own cap, all in front of the one stack anvil: independent anvils would be different chains whose answers could not be compared. Node calls per read count eth_getBalance items (batches taken apart) the proxies saw during the storm; the burst's own calls are other methods. The direct reference runs without a burst; the idle p99 is one client straight to anvil, no proxy. Stale = an answer whose X-Gateway-Block is older than the head the bench's eth_blockNumber poller had seen when the read was sent, minus one.",
      setup: input.setup,
      idle: stormJson(input.idle),
      direct: input.direct === null ? null : { storm: stormJson(input.direct.storm), proxy: proxyJson({ direct: input.direct.proxy }) },
      pools: Object.fromEntries(pools.map((p) => [p.name, p.details])),
      timelineChart: (() => {
        const t = readsTimeline(input)
        return { kind: t.kind, title: t.title, xLabel: t.xLabel, yLabel: t.yLabel, series: t.series.map((l) => ({ name: l.name, points: l.points.map(([x, y]) => [x, y]) })) }
      })(),
    },
  }
}
