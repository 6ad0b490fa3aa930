import { describe, expect, test } from "bun:test"
import { minedTimes } from "../lib/block-clock.ts"
import { makeStatusTracker } from "../lib/status-tracker.ts"
import type { StatusRecord } from "../../src/domain/status.ts"
import { cdf, gatewayTransfers, latencyParts, latencyStats, reachedLatencies, type LatencyPass, type TimedTransfer } from "./latency.ts"

const record = (id: string, status: StatusRecord["status"], at: number, txid?: string): StatusRecord => ({
  id, status, chain: "ethereum", sender: "0xabc", partition: 0, at, ...(txid === undefined ? {} : { txid }),
})

describe("latencyStats", () => {
  test("nearest-rank percentiles and the max; nulls when empty", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(latencyStats(values)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100 })
    expect(latencyStats([])).toEqual({ count: 0, p50: null, p90: null, p99: null, max: null })
  })
})

describe("gatewayTransfers", () => {
  test("times each request to the block of the version that was mined, not the first one signed", () => {
    const tracker = makeStatusTracker()
    tracker.apply(record("a", "signed", 1_010, "0xAA01"))
    tracker.apply(record("a", "submitted", 1_020, "0xAA01"))
    // Bumped: the new version is recorded, then it is the one mined.
    tracker.apply(record("a", "submitted", 1_500, "0xAA02"))
    tracker.apply(record("a", "confirmed", 2_000, "0xaa02"))
    // A later record of the same request (a reorg report) does not move the mined txid.
    tracker.apply(record("a", "submitted", 2_100, "0xAA03"))
    tracker.apply(record("b", "signed", 1_030, "0xbb01"))
    const mined = minedTimes([
      { number: 7, seenAt: 1_900, transactions: 2, hashes: ["0xaa01", "0xaa02"] },
      { number: 8, seenAt: 2_900, transactions: 1, hashes: ["0xaa02"] },
    ])
    const accepted = [
      { id: "a", sentAt: 1_000, answeredAt: 1_005 },
      { id: "b", sentAt: 1_001, answeredAt: 1_004 },
      { id: "c", sentAt: 1_002, answeredAt: 1_003 },
    ]
    expect(gatewayTransfers(accepted, tracker.requestTimes(), mined)).toEqual([
      { sentAt: 1_000, answeredAt: 1_005, minedAt: 1_900 },
      { sentAt: 1_001, answeredAt: 1_004, minedAt: undefined },
      { sentAt: 1_002, answeredAt: 1_003, minedAt: undefined },
    ])
    expect(reachedLatencies(accepted, tracker.requestTimes())).toEqual([10, 29])
  })
})

describe("cdf", () => {
  test("counts unmined transfers in the whole, so the line stops short of 100%", () => {
    const ts: TimedTransfer[] = [
      { sentAt: 0, answeredAt: 1, minedAt: 300 },
      { sentAt: 0, answeredAt: 1, minedAt: 100 },
      { sentAt: 0, answeredAt: 1, minedAt: undefined },
      { sentAt: 0, answeredAt: 1, minedAt: 200 },
    ]
    expect(cdf(ts)).toEqual([[0, 0], [100, 25], [200, 50], [300, 75]])
    expect(cdf([])).toEqual([])
  })

  test("keeps about 200 steps of a long run, ending at its slowest", () => {
    const ts = Array.from({ length: 2_001 }, (_, i): TimedTransfer => ({ sentAt: 0, answeredAt: 1, minedAt: i + 1 }))
    const points = cdf(ts)
    expect(points.length).toBeLessThanOrEqual(202)
    expect(points.at(-1)).toEqual([2_001, 100])
  })
})

describe("latencyParts", () => {
  test("compares the gateway's call-to-mined percentiles with the direct sends' and counts what was never seen mined", () => {
    const transfers = (ms: ReadonlyArray<number | undefined>): TimedTransfer[] => ms.map((m) => ({ sentAt: 0, answeredAt: 2, minedAt: m }))
    const pass = {
      ratePerSec: 100, requests: 4, senders: 2, transactionInterval: { busyMs: 2000, lightMs: 500 },
      phase: { gateway: { transactions: 3, recordsCommitted: 12 } },
      gateway: transfers([900, 1_100, 1_300, undefined]),
      gatewayReachedMs: [400, 500, 600],
      direct: transfers([300, 500, 700]),
      directFailed: 1,
      nudges: [], directNudges: [],
    } as unknown as LatencyPass
    const parts = latencyParts(pass)
    const p50 = parts.comparisons.find((c) => c.measure.startsWith("latency: call to mined p50"))
    expect([p50?.value, p50?.reference]).toEqual([1_100, 500])
    const figure = (name: string) => parts.figures.find((f) => f.name === name)?.value
    expect(figure("latency: gateway transfers not seen mined")).toBe(1)
    expect(figure("latency: direct sends refused or not seen mined")).toBe(1)
    expect(figure("latency: gateway, call to its signed record p99")).toBe(600)
  })
})
