import { describe, expect, test } from "bun:test"
import type { TrackerSummary } from "../lib/status-tracker.ts"
import type { PoolPhaseResult } from "./pool-phase.ts"
import { largestShare, nodeErrors, type ScalePhase, scaleReport, stuck } from "./report.ts"
import { tallyPhase } from "./tally.ts"

const summary = (n: number): TrackerSummary => ({ seen: n, byStatus: { confirmed: n }, reachedNode: n, final: n, failed: 0, dlq: 0, firstAcceptedAt: 0, lastFinalAt: 1000, lastReachedAt: 900, reasons: [] })
const proxy = (errors: number) => ({ calls: 10, errors, peakInFlight: 2, byMethod: { eth_sendRawTransaction: 10 }, errorGroups: errors > 0 ? [{ method: "eth_sendRawTransaction", error: "-32003 nonce too low", count: errors }] : [] })
const result = (nodes: number, rate: number, errors: number): PoolPhaseResult => ({
  nodes, accepted: 10, rejectedBatches: [], submitFrom: 0, submitTo: 10, waitedTo: 2000, final: summary(10), confirmRatePerSec: rate,
  gatewayCalls: {}, retries: 0, firstBroadcasts: Object.fromEntries(Array.from({ length: nodes }, (_, i) => [`eth-${i + 1}`, i === 0 ? 6 : 2])), rebroadcasts: 0, proxies: Object.fromEntries(Array.from({ length: nodes }, (_, i) => [`eth-${i + 1}`, proxy(i === 0 ? errors : 0)])), warnings: {}, readyMs: 200,
})
const amounts = Array.from({ length: 10 }, (_, i) => BigInt(i + 1))
const phase = (label: string, nodes: number, rate: number, errors: number): ScalePhase => ({
  label, nodes, result: result(nodes, rate, errors),
  tally: tallyPhase(amounts, [{ node: "eth-1", executions: amounts.map((amount) => ({ amount, txHash: `0x${amount}`, block: 1 })), blockTimes: new Map([[1, 1]]) }]),
  leftover: { "eth-1": { pending: 0, queued: nodes > 1 ? 2 : 0 } },
})

describe("scale report", () => {
  test("the end-to-end rate over N nodes is set against 1 node with the 2.7x target", () => {
    const one = phase("1 node", 1, 10, 0)
    const many = phase("3 nodes", 3, 28, 3)
    const report = scaleReport({ one, many, node: { automine: false, blockTimeS: 1, callsPerBlock: 10, blockGasLimit: 1, anvil: "anvil" }, counter: "0xc", callsPerSender: 1 })
    const row = report.comparisons[0]
    expect(row).toMatchObject({ value: 28, reference: 10, target: { kind: "ratio-at-least", bound: 2.7 } })
    expect(nodeErrors(many)).toBe(3)
    expect(stuck(many)).toBe(2)
    expect(largestShare(many)).toBe(60)
    expect(report.chart?.kind).toBe("bar")
  })
})
