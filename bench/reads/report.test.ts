import { describe, expect, test } from "bun:test"
import { ratioRows } from "../lib/results.ts"
import type { TrackerSummary } from "../lib/status-tracker.ts"
import type { ProxyStats } from "../paper/counting-proxy.ts"
import type { PoolPassResult } from "./pool-pass.ts"
import type { StormResult } from "./read-storm.ts"
import { callsPerRead, peakPerNode, readsReport } from "./report.ts"
import { readsTimeline } from "./timeline.ts"

const storm = (over: Partial<StormResult>): StormResult => ({
  clients: 200, durationMs: 20_000, attempted: 1000, ok: 1000, failed: 0, failures: [], wallMs: 2000, readsPerSec: 500,
  latencyMs: { count: 1000, min: 1, mean: 2, p50: 2, p90: 3, p99: 4, max: 9 }, completionsMs: [100, 900, 1500],
  cache: {}, nodes: {}, hedged: 0, withoutBlock: 0, judged: 0, stale: 0, maxBlocksBehind: 0, staleExamples: [], samples: [], ...over,
})

const stats = (byMethod: Readonly<Record<string, number>>, peakInFlight: number): ProxyStats => ({
  calls: Object.values(byMethod).reduce((a, b) => a + b, 0), errors: 0, peakInFlight, byMethod, errorGroups: [],
})

const summary = (over: Partial<TrackerSummary>): TrackerSummary => ({
  seen: 100, byStatus: { confirmed: 100 }, reachedNode: 100, final: 100, failed: 0, dlq: 0, firstAcceptedAt: null, lastReachedAt: 11_000, lastFinalAt: 11_500, reasons: [], ...over,
})

const pass = (over: Partial<PoolPassResult>): PoolPassResult => ({
  kind: "reads",
  nodes: ["eth-1", "eth-2"],
  caps: { "eth-1": 8, "eth-2": 8 },
  passFrom: 9_000,
  storm: null,
  checked: [],
  stormProxies: null,
  passProxies: { "eth-1": stats({ eth_sendRawTransaction: 10 }, 5), "eth-2": stats({ eth_getBalance: 3 }, 8) },
  drain: {
    submit: { calls: 1, okCalls: 1, okItems: 100, failures: [], wallMs: 50, itemsPerSec: 2000, latenciesMs: [50], timeline: [[50, 50]] },
    submitFrom: 10_000, submitTo: 10_050, accepted: 100, reached: summary({}), final: summary({}), reachedRatePerSec: 100, confirmRatePerSec: 66.7, reachedTimes: [10_500, 11_000],
    onChain: { fromBlock: 5, toBlock: 9, transfers: 100, selfTransfers: 0 },
  },
  metrics: null,
  nudges: [],
  warnings: {},
  readyMs: 900,
  ...over,
})

const readsPass = pass({
  storm: storm({ ok: 10_000, readsPerSec: 5000, latencyMs: { count: 10_000, min: 0.2, mean: 1, p50: 0.8, p90: 1.5, p99: 3, max: 20 }, judged: 10_000, stale: 2, cache: { hit: 9_900, miss: 100 } }),
  stormProxies: { "eth-1": stats({ eth_getBalance: 60, "eth_getBalance,eth_getBalance": 20, eth_sendRawTransaction: 500 }, 6), "eth-2": stats({ eth_getBalance: 100 }, 9) },
  passProxies: { "eth-1": stats({ eth_getBalance: 300 }, 6), "eth-2": stats({ eth_getBalance: 300 }, 9) },
  drain: { ...pass({}).drain, reachedRatePerSec: 90 },
})

const input = {
  idle: storm({ clients: 1, latencyMs: { count: 100, min: 1, mean: 1.5, p50: 1.5, p90: 2, p99: 2, max: 3 } }),
  direct: { storm: storm({ readsPerSec: 400, failed: 1 }), proxy: stats({ eth_getBalance: 8000 }, 200) },
  pools: [{ nodes: 2, drainOnly: pass({ kind: "drain-only" }), reads: readsPass, verdict: { sampled: 200, checked: 199, mismatches: 0, mismatchesTheNodeGaveToo: 0, nodeChangedItsAnswer: 3, unchecked: 1, examples: [], uncheckedReasons: { "no block named": 1 } } }],
  setup: {},
}

describe("the reads report", () => {
  test("node calls per read count eth_getBalance items over every node, batches taken apart", () => {
    expect(callsPerRead(readsPass)).toBe((60 + 40 + 100) / 10_000)
    expect(callsPerRead(pass({}))).toBeNull()
  })

  test("a node's peak is its highest over both passes, against its cap", () => {
    expect(peakPerNode([pass({ kind: "drain-only" }), readsPass])).toEqual({ "eth-1": { peak: 6, cap: 8 }, "eth-2": { peak: 9, cap: 8 } })
  })

  test("every target is a ratio to its reference from the same run, or a value held at its bound", () => {
    const rows = ratioRows(readsReport(input).comparisons)
    expect(rows.map((r) => [r.measure, r.ratio, r.met])).toEqual([
      ["2 nodes: reads/s through the gateway", 12.5, true],
      ["2 nodes: node calls per client read (eth_getBalance)", null, true],
      ["2 nodes: read p99 through the gateway", 1.5, false],
      ["2 nodes: failed reads (no target)", 0, null],
      ["2 nodes: stale answers (block < head at ask - 1) of 10000", null, false],
      ["2 nodes: wrong answers of 199 checked", null, true],
      ["2 nodes: eth-1 peak in-flight (proxy)", 0.75, true],
      ["2 nodes: eth-2 peak in-flight (proxy)", 1.125, false],
      ["2 nodes: burst drain rate with the read storm", 0.9, false],
      ["2 nodes: burst confirmed rate with the read storm (no target)", 1, null],
    ])
    expect(rows[1]?.value).toBe(0.02)
  })

  test("the chart sets each pool's read rate beside the direct one, with the 10x target", () => {
    expect(readsReport(input).chart).toMatchObject({ kind: "bar", series: ["through the gateway", "anvil directly"], groups: [{ label: "2 nodes", values: [5000, 400], note: "12.50x", target: { value: 4000 } }] })
  })

  test("without a reads pass the pool reports its drain alone and no read rows", () => {
    const report = readsReport({ ...input, pools: [{ nodes: 1, drainOnly: pass({ kind: "drain-only" }), reads: null, verdict: null }] })
    expect(ratioRows(report.comparisons).map((r) => r.measure)).toEqual(["1 node: eth-1 peak in-flight (proxy)", "1 node: eth-2 peak in-flight (proxy)"])
    expect(report.figures.map((f) => f.name)).toContain("1 node: burst drain rate alone")
  })

  test("transfers on chain beyond the confirmed requests are reported per pass, and a pass whose chain was not read says so", () => {
    const twice = pass({ kind: "drain-only", drain: { ...pass({}).drain, onChain: { fromBlock: 5, toBlock: 9, transfers: 101, selfTransfers: 2 } } })
    const unread = pass({ drain: { ...pass({}).drain, onChain: null } })
    const figures = readsReport({ ...input, pools: [{ nodes: 1, drainOnly: twice, reads: unread, verdict: null }] }).figures
    const beyond = (label: string) => figures.find((f) => f.name === `1 node: burst transfers on chain beyond its confirmed requests (paid twice if above 0), ${label}`)?.value
    expect(beyond("alone")).toBe(1)
    expect(beyond("with the read storm")).toBeNaN()
  })

  test("the timeline has the direct storm, and each reads pass's reads and transfers from its start", () => {
    const chart = readsTimeline(input)
    expect(chart.series.map((s) => s.name)).toEqual(["anvil directly", "gateway, 2 nodes", "burst, 2 nodes"])
    expect(chart.series[2]?.points).toEqual([[0, 0], [1, 2]])
  })
})
