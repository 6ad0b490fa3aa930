import { describe, expect, test } from "bun:test"
import type { DirectRunResult } from "../lib/direct-node.ts"
import { ratioRows } from "../lib/results.ts"
import type { TrackerSummary } from "../lib/status-tracker.ts"
import type { PhaseResult } from "./gateway-phase.ts"
import { blocksChart, type BurstPass, burstTimeline, cpuChart, cpuPerRequest, type DrainPass, drainReport, lost, nodeErrors, perSecond, probeStats } from "./report.ts"

const summary = (over: Partial<TrackerSummary>): TrackerSummary => ({
  seen: 100, byStatus: { confirmed: 100 }, reachedNode: 100, final: 100, failed: 0, dlq: 0,
  firstAcceptedAt: 1_000_000, lastReachedAt: 1_000_500, lastFinalAt: 1_001_000, reasons: [], ...over,
})

const phase = (over: Partial<PhaseResult> = {}): PhaseResult => ({
  submit: { calls: 1, okCalls: 1, okItems: 100, failures: [], wallMs: 50, itemsPerSec: 2000, latenciesMs: [50], timeline: [[50, 50]] },
  submitFrom: 999_990,
  submitTo: 1_000_040,
  accepted: 100,
  firstAcceptedAt: 1_000_000,
  reached: summary({ byStatus: { signed: 100 }, final: 0, lastFinalAt: null }),
  final: summary({}),
  e2eRatePerSec: 200,
  confirmRatePerSec: 100,
  reachedTimes: [1_000_100, 1_000_500],
  requestTimes: new Map(),
  gateway: { inFlight: [[1_000_000, 3], [1_000_250, 8]], peakInFlight: 8, calls: 300, requests: 120, retries: 0, transactions: 40, recordsCommitted: 900, breakerOpenSeen: false, warnings: {} },
  readyMs: 400,
  ...over,
})

const step = (concurrency: number, ratePerSec: number, failed = 0): DirectRunResult => ({
  concurrency, callsPerWorker: 10, attempted: 100, succeeded: 100 - failed, failed, failures: [], wallMs: 500, ratePerSec,
  latencyMs: { count: 100, min: 1, mean: 2, p50: 2, p90: 3, p99: 4, max: 5 }, peakInFlight: concurrency, completionsMs: [],
})

const probe = (from: number, ms: ReadonlyArray<number>) => ms.map((m, i) => ({ at: from + i * 100, ms: m, ok: true }))

const burst: BurstPass = {
  phase: phase({ accepted: 100, final: summary({ final: 98, failed: 1, byStatus: { confirmed: 97, failed: 1, signed: 2 } }), gateway: { ...phase().gateway, retries: 2 } }),
  maxInFlight: 8,
  mined: 99,
  nodeState: null,
  nudges: [],
  directNudges: [{ at: 2_000_300, pending: 40, secondsSinceHead: 6 }],
  capacity: 200,
  // Idle 999_000..999_990 at 2 ms; during the burst (999_990..1_000_500) at 3 ms.
  probe: [...probe(999_000, Array.from({ length: 10 }, () => 2)), ...probe(1_000_000, [3, 3, 3, 3, 3])],
  // The probe in the bench's event loop: the same idle, 9 ms during the burst (it also waits for the bench's turns).
  loopProbe: [...probe(999_000, Array.from({ length: 10 }, () => 2)), ...probe(1_000_000, [9, 9, 9, 9, 9])],
  idleFrom: 999_000,
  direct: step(100, 150, 7),
  directProbe: [...probe(2_000_000, [2, 2]), ...probe(2_000_200, [40, 60])],
  directLoopProbe: [...probe(2_000_000, [2, 2]), ...probe(2_000_200, [80, 90])],
  directIdleFrom: 2_000_000,
  directFrom: 2_000_200,
  directTo: 2_000_400,
}

describe("perSecond", () => {
  test("folds the points of each whole second", () => {
    expect(perSecond([[0.2, 1], [0.9, 5], [2.5, 3]], (v) => Math.max(...v))).toEqual([[0, 5], [2, 3]])
  })
})

describe("drainReport", () => {
  const report = drainReport({ ethereum: { chain: "ethereum", call: "eth_sendTransaction", ladder: { steps: [step(1, 90), step(8, 250)], best: step(8, 250) }, phase: phase(), maxInFlight: 8, mined: 100, nodeState: { pending: 0, queued: 0, head: 12, headTxs: 1, secondsSinceHead: 0 }, nudges: [] }, burst })
  const rows = ratioRows(report.comparisons)

  test("the drain rate is a ratio to the direct best, errors and lost are held at zero, the burst p99 at 2x idle", () => {
    expect(rows.map((r) => [r.measure, r.ratio, r.met])).toEqual([
      ["ethereum: end-to-end drain rate", 0.8, false],
      ["ethereum: node errors during the drain", null, true],
      ["burst: lost requests", null, false],
      ["burst: node errors via the gateway", 0.429, false],
      ["burst: node p99 during the burst", 1.5, true],
      ["direct burst: node p99 (no target)", 30, null],
    ])
  })

  test("the probe in the bench's event loop is reported beside the thread probe, which the target judges", () => {
    const figure = (name: string) => report.figures.find((f) => f.name === name)?.value
    expect(figure("burst: node p99 during the gateway burst")).toBe(3)
    expect(figure("burst: node p99 during the gateway burst, probe in the bench's event loop")).toBe(9)
    expect(figure("direct burst: node p99")).toBe(60)
    expect(figure("direct burst: node p99, probe in the bench's event loop (which also sends the burst)")).toBe(90)
  })

  test("lost and node errors count what the brief counts", () => {
    expect(lost(burst.phase)).toBe(2)
    expect(nodeErrors(burst.phase)).toBe(3)
    expect(probeStats(burst.probe, 999_000, 999_990)).toEqual({ count: 10, failed: 0, p50: 2, p99: 2, max: 2 })
  })

  test("the chart has one group per pass, gateway then direct", () => {
    expect(report.chart).toMatchObject({ kind: "bar", groups: [{ label: "ethereum drain", values: [200, 250], note: "0.80x" }, { label: "burst into the node", values: [200, 150] }] })
  })

  test("the timeline starts at the idle window and carries the in-flight samples", () => {
    const chart = burstTimeline(burst)
    expect(chart.series.map((s) => s.name)).toEqual(["node probe p99 ms", "2x idle p99 (4 ms)", "gateway_node_in_flight (max per s)"])
    expect(chart.series[0]?.points).toEqual([[0, 2], [1, 3]])
    expect(chart.series[1]?.points).toEqual([[0, 4], [1, 4]])
    expect(chart.series[2]?.points).toEqual([[1, 8]])
    expect(report.details).toHaveProperty("directBurstProbeP99PerSecond", [[0, 60]])
    expect(report.details).toHaveProperty("timelineChart")
  })
})

describe("CPU per request", () => {
  const base: DrainPass = { chain: "ethereum", call: "eth_sendTransaction", ladder: { steps: [step(8, 250)], best: step(8, 250) }, phase: phase(), maxInFlight: 8, mined: 100, nodeState: null, nudges: [] }
  const measured: DrainPass = {
    ...base,
    // 100 requests through the gateway in 2 s; 200 direct calls in 0.5 s.
    phase: phase({ cpu: { wallSeconds: 2, seconds: { gateway: 0.2, kafka: 0.3, anvil: 0.1, bench: 0.02 } } }),
    directCpu: { wallSeconds: 0.5, calls: 200, seconds: { kafka: 0.01, anvil: 0.08, bench: 0.02 } },
  }

  test("each group's CPU is divided by the requests through the gateway, or by the direct calls", () => {
    const cpu = cpuPerRequest(measured)
    expect(cpu?.through).toEqual({ gateway: 2, kafka: 3, anvil: 1, bench: 0.2 })
    expect(cpu?.direct).toEqual({ gateway: 0, kafka: 0.05, anvil: 0.4, bench: 0.1 })
    // The path leaves the bench out: it is the load, not the service.
    expect(cpu?.throughPath).toBe(6)
    expect(cpu?.directPath).toBe(0.45)
    expect(cpu?.throughBusy).toBe(0.31)
    expect(cpu?.directBusy).toBe(0.22)
  })

  test("a report compares the path's CPU per request with the node driven directly, with no target", () => {
    const rows = ratioRows(drainReport({ ethereum: measured }).comparisons)
    expect(rows.find((r) => r.measure.includes("CPU per request"))).toMatchObject({ ratio: 13.333, met: null })
  })

  test("without both windows there is no breakdown, figure or chart", () => {
    expect(cpuPerRequest(base)).toBeUndefined()
    expect(cpuChart(base)).toBeUndefined()
    expect(drainReport({ ethereum: base }).figures.some((f) => f.name.includes("CPU"))).toBe(false)
    expect(cpuChart(measured)?.groups.map((g) => [g.label, ...g.values])).toEqual([
      ["gateway", 2, 0],
      ["kafka", 3, 0.05],
      ["anvil", 1, 0.4],
      ["bench", 0.2, 0.1],
    ])
  })
})

describe("event-loop delay", () => {
  const base: DrainPass = { chain: "ethereum", call: "eth_sendTransaction", ladder: { steps: [step(8, 250)], best: step(8, 250) }, phase: phase(), maxInFlight: 8, mined: 100, nodeState: null, nudges: [] }

  test("the pass's p99 is compared with the same gateway idle, with no target; a p99 past the last bucket shows as 1000 ms", () => {
    const measured: DrainPass = { ...base, phase: phase({ loopDelay: { idle: { ticks: 50, p99Ms: 2.5, lateShare: 0 }, through: { ticks: 400, p99Ms: Number.POSITIVE_INFINITY, lateShare: 0.0525 } } }) }
    const report = drainReport({ ethereum: measured })
    const figure = (name: string) => report.figures.find((f) => f.name.startsWith(name))?.value
    expect(figure("ethereum: gateway event-loop delay p99 through the pass")).toBe(1000)
    expect(figure("ethereum: gateway event-loop ticks more than 50 ms late")).toBe(5.3)
    expect(figure("ethereum: gateway event-loop delay p99 idle")).toBe(2.5)
    expect(ratioRows(report.comparisons).find((r) => r.measure.includes("event-loop"))).toMatchObject({ value: 1000, reference: 2.5, ratio: 400, met: null })
    expect(JSON.stringify(report.details)).toContain('"loopDelay":{"idle":{"ticks":50,"p99Ms":2.5,"lateShare":0},"through":{"ticks":400,"p99Ms":1000,"lateShare":0.0525}}')
  })

  test("a gateway without the histogram adds no such figure", () => {
    expect(drainReport({ ethereum: base }).figures.some((f) => f.name.includes("event-loop"))).toBe(false)
  })
})

describe("drain to mined", () => {
  const base: DrainPass = { chain: "ethereum", call: "eth_sendTransaction", ladder: { steps: [step(8, 250)], best: step(8, 250) }, phase: phase(), maxInFlight: 8, mined: 100, nodeState: null, nudges: [] }
  const direct = { concurrency: 8, sent: 100, failed: 0, sendRatePerSec: 250, from: 1_000, minedAt: 1_500, ratePerSec: 200 }
  const timed: DrainPass = { ...base, toMined: { direct, gatewayMinedAt: 2_000, gatewayRatePerSec: 150 } }

  test("the gateway's drain to mined is a ratio to the node's own, with the drain target", () => {
    const rows = ratioRows(drainReport({ ethereum: timed }).comparisons)
    expect(rows.find((r) => r.measure === "ethereum: drain rate to mined")).toMatchObject({ value: 150, reference: 200, ratio: 0.75, met: false })
    expect(drainReport({ ethereum: timed }).figures.filter((f) => f.name.includes("to mined")).map((f) => [f.name, f.value])).toEqual([
      ["ethereum: direct drain to mined, 100 sends at c=8", 200],
      ["ethereum: gateway drain to mined", 150],
    ])
  })

  test("the chart shows it beside the drain it belongs to; a path that never got mined counts 0", () => {
    expect(drainReport({ ethereum: timed }).chart).toMatchObject({ groups: [{ label: "ethereum drain" }, { label: "ethereum drain, to mined", values: [150, 200], note: "0.75x" }] })
    const never: DrainPass = { ...base, toMined: { direct, gatewayMinedAt: null, gatewayRatePerSec: null } }
    expect(ratioRows(drainReport({ ethereum: never }).comparisons).find((r) => r.measure === "ethereum: drain rate to mined")).toMatchObject({ value: 0, met: false })
  })

  test("without it the report has no such row", () => {
    expect(drainReport({ ethereum: base }).comparisons.some((c) => c.measure.includes("to mined"))).toBe(false)
  })

  test("with the blocks of both passes, it says how the gateway pass filled them against the fullest block, and draws them", () => {
    const block = (number: number, seenAt: number, transactions: number) => ({ number, seenAt, transactions })
    const from = timed.phase.firstAcceptedAt ?? 0
    const filled: DrainPass = {
      ...timed,
      toMined: {
        direct: { ...direct, blocks: [block(1, 1_200, 50), block(2, 1_400, 50)] },
        gatewayMinedAt: 2_000,
        gatewayRatePerSec: 150,
        gatewayBlocks: [block(10, from + 500, 5), block(11, from + 1_500, 50), block(12, from + 2_500, 20), block(13, from + 3_500, 25)],
      },
    }
    const figures = drainReport({ ethereum: filled }).figures.filter((f) => f.unit === "blocks").map((f) => [f.name, f.value])
    expect(figures).toEqual([
      ["ethereum: node stalls the bench mined through (evm_mine)", 0],
      ["ethereum: blocks holding the direct pass (full: 50 transactions)", 2],
      ["ethereum: blocks holding the gateway pass", 4],
      ["ethereum: fewest blocks that hold the pass", 2],
      ["ethereum: gateway pass, blocks before its first full one", 1],
      ["ethereum: gateway pass, blocks short of full after it", 1],
    ])
    expect(blocksChart(filled)?.series.map((s) => s.points)).toEqual([
      [[0.5, 5], [1.5, 50], [2.5, 20], [3.5, 25]],
      [[0.2, 50], [0.4, 50]],
    ])
    expect(JSON.stringify(drainReport({ ethereum: filled }).details)).not.toContain("seenAt")
    expect(blocksChart(timed)).toBeUndefined()
  })
})
