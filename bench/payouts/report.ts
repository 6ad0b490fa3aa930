/**
 * The payouts bench's report: payouts per second through the batching lane against the
 * wallet's best direct `sendtoaddress` rate in the same run (the brief's target: at least
 * 10x), how many payouts each transaction carried, and whether every payout was paid
 * exactly once, with a bar chart of the rates.
 */
import type { LadderResult } from "../lib/direct-node.ts"
import type { BenchReport, Comparison, Figure, JsonValue } from "../lib/results.ts"
import { round } from "../lib/stats.ts"
import { ratioAtLeast, valueAtMost } from "../lib/target.ts"
import type { PhaseResult } from "../drain/gateway-phase.ts"

/** The brief's target for the batching lane. */
export const PAYOUT_TARGETS = { ratio: 10 } as const

/** What the run measured. */
export interface PayoutsRun {
  readonly ladder: LadderResult
  readonly call: string
  readonly phase: PhaseResult
  /** Distinct transactions that paid the payouts, and the payouts each paid. */
  readonly transactions: number
  /** Payouts found in the wallet once, more than once, or not at all. */
  readonly paidOnce: number
  readonly paidTwice: number
  readonly unpaid: number
  readonly settings: { readonly batchMaxOutputs: number; readonly batchLingerMs: number; readonly changeAddressUses: number }
}

/** Builds the report. */
export const payoutsReport = (run: PayoutsRun): BenchReport => {
  const direct = run.ladder.best.ratePerSec
  const rate = run.phase.e2eRatePerSec ?? 0
  const perTx = run.transactions === 0 ? 0 : run.paidOnce / run.transactions
  const figures: Figure[] = [
    { name: "payouts accepted", unit: "payouts", value: run.phase.accepted },
    { name: "transactions paying them", unit: "transactions", value: run.transactions },
    { name: "payouts per transaction", unit: "payouts", value: round(perTx, 1) },
    { name: "payouts confirmed per second (first accepted to last confirmed)", unit: "payouts/s", value: round(run.phase.confirmRatePerSec ?? 0, 1) },
    { name: "direct sendtoaddress best concurrency", unit: "calls", value: run.ladder.best.concurrency },
  ]
  const comparisons: Comparison[] = [
    {
      measure: "payouts per second through the batching lane (first accepted to last sent)",
      unit: "payouts/s",
      value: round(rate, 1),
      reference: direct,
      referenceName: `the wallet's best direct ${run.call.split("(")[0]} rate (c=${run.ladder.best.concurrency})`,
      target: ratioAtLeast(PAYOUT_TARGETS.ratio),
    },
    { measure: "payouts paid more than once", unit: "payouts", value: run.paidTwice, reference: null, target: valueAtMost(0) },
    { measure: "payouts never paid", unit: "payouts", value: run.unpaid, reference: null, target: valueAtMost(0) },
  ]
  const details: JsonValue = {
    settings: run.settings,
    directCall: run.call,
    ladder: run.ladder.steps.map((s) => ({ concurrency: s.concurrency, ratePerSec: s.ratePerSec, failures: s.failures.length })),
    reached: { reachedNode: run.phase.reached.reachedNode, failed: run.phase.reached.failed, dlq: run.phase.reached.dlq },
    final: run.phase.final.byStatus as unknown as JsonValue,
    gatewayWarnings: run.phase.gateway.warnings as unknown as JsonValue,
    readyMs: run.phase.readyMs,
  }
  return {
    figures,
    comparisons,
    chart: {
      kind: "bar",
      title: "Bitcoin payouts per second: batching lane vs the wallet directly",
      yLabel: "payouts/s",
      series: ["payouts/s"],
      groups: [
        { label: `wallet direct (c=${run.ladder.best.concurrency})`, values: [round(direct, 1)] },
        { label: `gateway batching lane (${round(perTx, 0)} per tx, change address × ${run.settings.changeAddressUses})`, values: [round(rate, 1)], target: { value: direct * PAYOUT_TARGETS.ratio, label: `${PAYOUT_TARGETS.ratio}x direct` } },
      ],
    },
    details,
  }
}
