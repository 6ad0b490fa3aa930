/**
 * What `gateway bench paper --lab` adds to the paper report: the clients' side of the
 * cut (how many requests the intakes acknowledged, after how many attempts, and every
 * answer by status, those that came while the host was cut off apart), the wallet's side
 * (each request paid exactly once, more than once or never, and above all no
 * acknowledged request left unpaid), and the cut window itself, with the direct pass as
 * the reference where the paper report sets one.
 */
import type { Comparison, Figure, JsonValue } from "../lib/results.ts"
import { round } from "../lib/stats.ts"
import { ratioAtLeast, valueAtMost } from "../lib/target.ts"
import type { CutTarget, CutWindow } from "./host-cut.ts"
import type { KeyedOutcome, RetryPolicy } from "./keyed-retry.ts"
import type { PaymentCheck } from "./wallet.ts"

/** The lab's own record of a gateway pass. */
export interface LabGatewayRun {
  /** The host the run was to cut, with when and how long; undefined for `--cut-host none`. */
  readonly cutPlan?: CutTarget & { readonly afterS: number; readonly forS: number }
  /** The cut as it happened; undefined when it never started (no cut, or the run ended first). */
  readonly window?: CutWindow
  /** One per request, in the order of `amounts`. */
  readonly outcomes: ReadonlyArray<KeyedOutcome>
  /** Each request's amount: the wallet's list is matched on it. */
  readonly amounts: ReadonlyArray<string>
  /** How often the wallet paid each amount (absent: never). */
  readonly timesPaid: ReadonlyMap<string, number>
  /** Requests acknowledged, and final on the results topic, at the moment the link went down. */
  readonly atCut?: { readonly acknowledged: number; readonly final: number }
  readonly policy: RetryPolicy
}

/** The clients' side of a pass. */
export interface SubmissionTally {
  readonly requests: number
  readonly acknowledged: number
  readonly gaveUpAtDeadline: number
  readonly refused: number
  readonly attempts: number
  /** Attempts after each request's first. */
  readonly retries: number
  /** Requests that needed more than one attempt. */
  readonly retriedRequests: number
  /** Every answer by its label (`202`, `503`, `no answer`), largest first. */
  readonly byAnswer: ReadonlyArray<readonly [string, number]>
  /** The answers that came while the link was down. */
  readonly duringCut: ReadonlyArray<readonly [string, number]>
}

const counted = (labels: ReadonlyArray<string>): ReadonlyArray<readonly [string, number]> => {
  const counts = new Map<string, number>()
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1)
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
}

/** Counts the outcomes; an answer is "during the cut" when it came between the link going down and coming back (or the end, if it never did). */
export const tallySubmissions = (outcomes: ReadonlyArray<KeyedOutcome>, window?: Pick<CutWindow, "startedAt" | "endedAt">): SubmissionTally => {
  const attempts = outcomes.flatMap((o) => o.attempts)
  const inCut = (at: number) => window !== undefined && at >= window.startedAt && (window.endedAt === null || at <= window.endedAt)
  return {
    requests: outcomes.length,
    acknowledged: outcomes.filter((o) => o.acknowledged).length,
    gaveUpAtDeadline: outcomes.filter((o) => o.gaveUp === "deadline").length,
    refused: outcomes.filter((o) => o.gaveUp === "refused").length,
    attempts: attempts.length,
    retries: attempts.length - outcomes.filter((o) => o.attempts.length > 0).length,
    retriedRequests: outcomes.filter((o) => o.attempts.length > 1).length,
    byAnswer: counted(attempts.map((a) => a.answer)),
    duringCut: counted(attempts.filter((a) => inCut(a.at)).map((a) => a.answer)),
  }
}

/** Acknowledged requests the wallet never paid: the figure that must be 0. Up to 10 samples. */
export const acknowledgedLost = (lab: Pick<LabGatewayRun, "outcomes" | "amounts" | "timesPaid">): { readonly count: number; readonly samples: ReadonlyArray<{ readonly key: string; readonly amount: string }> } => {
  const lost = lab.outcomes.flatMap((o, i) => {
    const amount = lab.amounts[i] ?? ""
    return o.acknowledged && (lab.timesPaid.get(amount) ?? 0) === 0 ? [{ key: o.key, amount }] : []
  })
  return { count: lost.length, samples: lost.slice(0, 10) }
}

/** What the lab adds to the report. */
export interface LabSection {
  readonly figures: ReadonlyArray<Figure>
  readonly comparisons: ReadonlyArray<Comparison>
  readonly details: JsonValue
}

/** Seconds from `from` to `at`, 2 decimals. */
const secondsAfter = (at: number, from: number) => round((at - from) / 1000, 2)

/**
 * The lab's figures, comparisons and details for a gateway pass whose first POST was at
 * `startedAt` and whose wallet check is `check`; `direct` is the reference pass's check.
 */
export const labSection = (lab: LabGatewayRun, startedAt: number, check: PaymentCheck, total: number, direct?: PaymentCheck): LabSection => {
  const tally = tallySubmissions(lab.outcomes, lab.window)
  const lost = acknowledgedLost(lab)
  const at = "(lab, through the gateway)"
  const cutName = lab.cutPlan === undefined ? "no host cut" : `${lab.cutPlan.host} cut for ${lab.cutPlan.forS} s`
  const w = lab.window
  const figures: Array<Figure> = [
    { name: `acknowledged requests ${at}`, unit: "requests", value: tally.acknowledged },
    { name: `requests paid exactly once ${at}`, unit: "requests", value: check.exactlyOnce },
    { name: `requests paid more than once ${at}`, unit: "requests", value: check.duplicated },
    { name: `requests never paid ${at}`, unit: "requests", value: check.missing },
    { name: `acknowledged requests lost ${at}`, unit: "requests", value: lost.count },
    { name: `requests given up unacknowledged ${at}`, unit: "requests", value: tally.requests - tally.acknowledged },
    { name: `POST attempts ${at}`, unit: "attempts", value: tally.attempts },
    { name: `retries ${at}`, unit: "attempts", value: tally.retries },
    ...tally.duringCut.map(([label, n]): Figure => ({ name: `answers ${label} while ${lab.cutPlan?.host ?? "the host"} was cut off`, unit: "answers", value: n })),
    ...(w === undefined ? [] : [
      { name: `cut of ${w.host} began, after the first POST`, unit: "s", value: secondsAfter(w.startedAt, startedAt) },
      ...(w.endedAt === null ? [] : [{ name: `cut of ${w.host} lasted`, unit: "s", value: secondsAfter(w.endedAt, w.startedAt) }]),
    ]),
  ]
  const comparisons: Array<Comparison> = [
    { measure: `lab: acknowledged by the intakes, ${cutName}`, unit: "requests", value: tally.acknowledged, reference: total, referenceName: "requests sent", target: ratioAtLeast(1) },
    { measure: `lab: acknowledged requests lost (never paid), ${cutName}`, unit: "requests", value: lost.count, reference: null, target: valueAtMost(0) },
  ]
  if (direct !== undefined) {
    const directName = "the same workers sent directly to the lab's wallet"
    comparisons.push(
      { measure: `lab: paid exactly once, gateway (${cutName}) vs direct`, unit: "requests", value: check.exactlyOnce, reference: direct.exactlyOnce, referenceName: directName },
      { measure: `lab: never paid, gateway (${cutName}) vs direct`, unit: "requests", value: check.missing, reference: direct.missing, referenceName: directName },
    )
  }
  const pairs = (rows: ReadonlyArray<readonly [string, number]>): JsonValue => Object.fromEntries(rows)
  const details: JsonValue = {
    note: "acknowledged = some attempt answered 202 (or 200 replayed: the intake already held the key); every attempt of a request carries the same Idempotency-Key; lost = acknowledged and not in the wallet's list; answers during the cut = those that came between the link going down and coming back",
    cut: lab.cutPlan === undefined
      ? null
      : {
          host: lab.cutPlan.host,
          veth: lab.cutPlan.veth,
          plannedAfterS: lab.cutPlan.afterS,
          plannedForS: lab.cutPlan.forS,
          startedAt: w === undefined ? null : new Date(w.startedAt).toISOString(),
          endedAt: w === undefined || w.endedAt === null ? null : new Date(w.endedAt).toISOString(),
          startedAfterS: w === undefined ? null : secondsAfter(w.startedAt, startedAt),
          lastedS: w === undefined || w.endedAt === null ? null : secondsAfter(w.endedAt, w.startedAt),
          atCut: lab.atCut === undefined ? null : { acknowledged: lab.atCut.acknowledged, final: lab.atCut.final },
        },
    retryPolicy: { firstBackoffMs: lab.policy.firstBackoffMs, maxBackoffMs: lab.policy.maxBackoffMs, deadlineMs: lab.policy.deadlineMs },
    submissions: {
      requests: tally.requests,
      acknowledged: tally.acknowledged,
      gaveUpAtDeadline: tally.gaveUpAtDeadline,
      refused: tally.refused,
      attempts: tally.attempts,
      retries: tally.retries,
      retriedRequests: tally.retriedRequests,
      byAnswer: pairs(tally.byAnswer),
      duringCut: pairs(tally.duringCut),
    },
    wallet: { exactlyOnce: check.exactlyOnce, moreThanOnce: check.duplicated, never: check.missing, acknowledgedLost: lost.count, lostSamples: lost.samples.map((s) => ({ key: s.key, amount: s.amount })) },
  }
  return { figures, comparisons, details }
}
