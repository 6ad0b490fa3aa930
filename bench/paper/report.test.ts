import { describe, expect, test } from "bun:test"
import type { TrackerSummary } from "../lib/status-tracker.ts"
import type { ProxiedCall } from "./counting-proxy.ts"
import { deliveries, type GatewayPass, type Pass, paperReport, paperTimeline, passFigures } from "./report.ts"

const call = (method: string, startMs: number, endMs: number, ok = true): ProxiedCall => ({ method, startMs, endMs, ok, ...(ok ? {} : { error: "-32603 missing inputs" }) })
const check = (delivered: number, extra = 0) => ({ requested: 4, delivered, exactlyOnce: delivered - (extra > 0 ? 1 : 0), duplicated: extra > 0 ? 1 : 0, extraPayments: extra, missing: 4 - delivered, unexpected: 0, duplicateSamples: [] })
const workload = (ok: number, failed: number, startedAt: number, finishedAt: number) => ({ attempted: ok + failed, ok, failed, failures: failed > 0 ? [{ detail: "NodeRejected: missing inputs", count: failed }] : [], startedAt, finishedAt, okAt: [] })
const stats = (calls: ReadonlyArray<ProxiedCall>) => ({ calls: calls.length, errors: calls.filter((c) => !c.ok).length, peakInFlight: 2, byMethod: {}, errorGroups: [] })
const final: TrackerSummary = { seen: 4, byStatus: { confirmed: 4 }, reachedNode: 4, final: 4, failed: 0, dlq: 0, firstAcceptedAt: 1000, lastFinalAt: 9000, lastReachedAt: 5000, reasons: [] }

const gwCalls = [call("sendfrom", 1000, 2000), call("getblockcount", 1500, 1600), call("sendfrom", 2000, 3000), call("sendfrom", 3000, 4000), call("sendfrom", 4000, 5000)]
const gateway: GatewayPass = { kind: "gateway", account: "a", address: "S", workload: workload(4, 0, 1000, 1500), calls: gwCalls, stats: stats(gwCalls), check: check(4), final, readyMs: 300, processes: { consumers: 3, producers: 5 } }
const dCalls = [call("sendfrom", 0, 1000), call("sendfrom", 0, 1500, false), call("sendfrom", 100, 2000), call("sendfrom", 100, 2000, false)]
const direct: Pass = { kind: "direct", account: "b", address: "T", workload: workload(2, 2, 0, 2500), calls: dCalls, stats: stats(dCalls), check: check(2) }

describe("paper report", () => {
  test("figures: delivered from the wallet, wall time to the last payment, peak of payment calls only", () => {
    expect(deliveries(gwCalls)).toEqual([2000, 3000, 4000, 5000])
    expect(passFigures(gateway, 4)).toMatchObject({ delivered: 4, exactlyOnce: 4, failed: 0, wallS: 4, drainRate: 1, peakPayments: 1 })
    // The direct clients are done at their last answer, even a failed one.
    expect(passFigures(direct, 4)).toMatchObject({ delivered: 2, failed: 2, wallS: 2.5, peakPayments: 4 })
  })

  test("the gateway's raw broadcasts are its payments, and a rebroadcast of the same bytes counts once", () => {
    const raw = (startMs: number, endMs: number, key: string, ok = true): ProxiedCall => ({ ...call("sendrawtransaction", startMs, endMs, ok), paramsKey: key })
    const calls = [call("signrawtransaction", 900, 1000), raw(1000, 1100, "t1"), raw(1200, 1300, "t2"), raw(3000, 3100, "t1"), raw(1400, 1500, "t3", false), raw(2000, 2100, "t3")]
    expect(deliveries(calls)).toEqual([1100, 1300, 2100])
    const pass: GatewayPass = { ...gateway, workload: workload(3, 0, 1000, 1050), calls, stats: stats(calls), check: check(3) }
    // Wall time runs to the last first broadcast (2.1 s), not to the last POST's answer.
    expect(passFigures(pass, 3)).toMatchObject({ delivered: 3, wallS: 1.1, peakPayments: 1 })
  })

  test("the exactly-once row is met only with every request delivered once; the node's peak is held to max_in_flight", () => {
    const report = paperReport({ gateway, direct, total: 4, maxInFlight: 1 })
    const row = (m: string) => report.comparisons.find((c) => c.measure.startsWith(m))
    expect(row("paper A: delivered exactly once")).toMatchObject({ value: 4, reference: 4 })
    expect(row("peak payment calls")).toMatchObject({ value: 1, reference: 4 })
    expect(row("delivered: gateway vs direct")).toMatchObject({ value: 4, reference: 2 })
    expect(report.chart?.kind).toBe("bar")
  })

  test("the timeline starts at 0 and ends at the number delivered", () => {
    const line = paperTimeline({ gateway, direct, total: 4, maxInFlight: 1 })
    expect(line.series.map((s) => s.points[0])).toEqual([[0, 0], [0, 0]])
    expect(line.series.map((s) => s.points[s.points.length - 1]?.[1])).toEqual([4, 2])
  })
})
