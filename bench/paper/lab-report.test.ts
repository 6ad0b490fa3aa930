import { describe, expect, test } from "bun:test"
import type { TrackerSummary } from "../lib/status-tracker.ts"
import type { KeyedOutcome } from "./keyed-retry.ts"
import { acknowledgedLost, type LabGatewayRun, labSection, tallySubmissions } from "./lab-report.ts"
import { type GatewayPass, type Pass, paperReport } from "./report.ts"
import { checkPayments, timesPaid } from "./wallet.ts"

const ok = (key: string, ...answers: ReadonlyArray<readonly [string, number]>): KeyedOutcome => ({ key, acknowledged: true, attempts: answers.map(([answer, at]) => ({ answer, at })) })
const gaveUp = (key: string, ...answers: ReadonlyArray<readonly [string, number]>): KeyedOutcome => ({ key, acknowledged: false, gaveUp: "deadline", detail: "HTTP 503 kafka_unavailable", attempts: answers.map(([answer, at]) => ({ answer, at })) })

// Four requests; the cut is 10,000-30,000 ms; the first POST at 5,000.
const amounts = ["0.00100000", "0.00100001", "0.00100002", "0.00100003"]
const outcomes = [
  ok("paper-r-0-0", ["202", 5_100]),
  ok("paper-r-0-1", ["503", 12_000], ["no answer", 20_000], ["200 replayed", 31_000]),
  ok("paper-r-1-0", ["503", 15_000], ["202", 29_000]),
  gaveUp("paper-r-1-1", ["503", 9_000], ["503", 25_000]),
]
// Paid: the first once, the second twice, the third never (acknowledged: lost), the fourth once although never acknowledged.
const payments = [
  { amount: "0.00100000", txid: "a" },
  { amount: "0.00100001", txid: "b" },
  { amount: "0.00100001", txid: "c" },
  { amount: "0.00100003", txid: "d" },
  { amount: "20.00000000", txid: "fund" },
]
const lab: LabGatewayRun = {
  cutPlan: { host: "broker-2", veth: "gwl0h1", afterS: 5, forS: 20 },
  window: { host: "broker-2", veth: "gwl0h1", startedAt: 10_000, endedAt: 30_000 },
  outcomes,
  amounts,
  timesPaid: timesPaid(amounts, payments, ["fund"]).times,
  atCut: { acknowledged: 1, final: 0 },
  policy: { firstBackoffMs: 250, maxBackoffMs: 2000, deadlineMs: 120_000 },
}
const check = checkPayments(amounts, payments, ["fund"])
const directCheck = { ...check, exactlyOnce: 1, duplicated: 0, extraPayments: 0, missing: 3, delivered: 1 }

describe("the lab's tallies", () => {
  test("attempts, retries and answers, those inside the cut window apart", () => {
    const t = tallySubmissions(outcomes, lab.window)
    expect(t).toMatchObject({ requests: 4, acknowledged: 3, gaveUpAtDeadline: 1, refused: 0, attempts: 8, retries: 4, retriedRequests: 3 })
    expect(t.byAnswer).toEqual([["503", 4], ["202", 2], ["200 replayed", 1], ["no answer", 1]])
    expect(t.duringCut).toEqual([["503", 3], ["202", 1], ["no answer", 1]])
    // A link never brought back counts to the end; no window, nothing during the cut.
    expect(tallySubmissions(outcomes, { startedAt: 26_000, endedAt: null }).duringCut).toEqual([["200 replayed", 1], ["202", 1]])
    expect(tallySubmissions(outcomes).duringCut).toEqual([])
  })

  test("timesPaid agrees with checkPayments; an acknowledged request never paid is lost, an unacknowledged one is not", () => {
    expect(check).toMatchObject({ exactlyOnce: 2, duplicated: 1, missing: 1, unexpected: 0 })
    expect([...lab.timesPaid.entries()]).toEqual([["0.00100000", 1], ["0.00100001", 2], ["0.00100003", 1]])
    expect(acknowledgedLost(lab)).toEqual({ count: 1, samples: [{ key: "paper-r-1-0", amount: "0.00100002" }] })
  })
})

describe("labSection", () => {
  const section = labSection(lab, 5_000, check, 4, directCheck)
  const figure = (name: string) => section.figures.find((f) => f.name.startsWith(name))?.value
  const row = (measure: string) => section.comparisons.find((c) => c.measure.startsWith(measure))

  test("figures: acknowledged, paid once / more than once / never, lost, retries, answers during the cut, the window", () => {
    expect(figure("acknowledged requests (lab")).toBe(3)
    expect(figure("requests paid exactly once")).toBe(2)
    expect(figure("requests paid more than once")).toBe(1)
    expect(figure("requests never paid")).toBe(1)
    expect(figure("acknowledged requests lost")).toBe(1)
    expect(figure("requests given up unacknowledged")).toBe(1)
    expect(figure("retries")).toBe(4)
    expect(figure("answers 503 while broker-2 was cut off")).toBe(3)
    expect(figure("answers no answer while broker-2 was cut off")).toBe(1)
    expect(figure("cut of broker-2 began, after the first POST")).toBe(5)
    expect(figure("cut of broker-2 lasted")).toBe(20)
  })

  test("comparisons: all acknowledged against requests sent, none lost, and the direct pass as the reference", () => {
    expect(row("lab: acknowledged by the intakes, broker-2 cut for 20 s")).toMatchObject({ value: 3, reference: 4, target: { kind: "ratio-at-least", bound: 1 } })
    expect(row("lab: acknowledged requests lost")).toMatchObject({ value: 1, reference: null, target: { kind: "value-at-most", bound: 0 } })
    expect(row("lab: paid exactly once, gateway")).toMatchObject({ value: 2, reference: 1 })
    expect(row("lab: never paid, gateway")).toMatchObject({ value: 1, reference: 3 })
    expect(labSection(lab, 5_000, check, 4).comparisons).toHaveLength(2)
  })

  test("details keep the window as times, the answers by status and the lost samples", () => {
    expect(section.details).toMatchObject({
      cut: { host: "broker-2", veth: "gwl0h1", startedAt: new Date(10_000).toISOString(), endedAt: new Date(30_000).toISOString(), startedAfterS: 5, lastedS: 20, atCut: { acknowledged: 1, final: 0 } },
      submissions: { byAnswer: { "503": 4, "202": 2, "200 replayed": 1, "no answer": 1 }, duringCut: { "503": 3, "202": 1, "no answer": 1 } },
      wallet: { acknowledgedLost: 1, lostSamples: [{ key: "paper-r-1-0", amount: "0.00100002" }] },
    })
  })

  test("no cut: no window figures and a null cut; the name says so", () => {
    const none = labSection({ ...lab, cutPlan: undefined, window: undefined }, 5_000, check, 4)
    expect(none.figures.some((f) => f.name.includes("cut"))).toBe(false)
    expect(none.comparisons[0]?.measure).toBe("lab: acknowledged by the intakes, no host cut")
    expect(none.details).toMatchObject({ cut: null })
  })
})

describe("paperReport with a lab pass", () => {
  const workload = { attempted: 4, ok: 3, failed: 1, failures: [{ detail: "HTTP 503 kafka_unavailable", count: 1 }], startedAt: 5_000, finishedAt: 31_000, okAt: [] }
  const stats = { calls: 0, errors: 0, peakInFlight: 0, byMethod: {}, errorGroups: [] }
  const final: TrackerSummary = { seen: 3, byStatus: { confirmed: 3 }, reachedNode: 3, final: 3, failed: 0, dlq: 0, firstAcceptedAt: 5_100, lastFinalAt: 40_000, lastReachedAt: 35_000, reasons: [] }
  const gateway: GatewayPass = { kind: "gateway", account: "a", address: "S", workload, calls: [], stats, check, final, readyMs: 90_000, processes: { consumers: 3, producers: 5 }, lab }
  const direct: Pass = { kind: "direct", account: "b", address: "T", workload: { ...workload, ok: 1, failed: 3 }, calls: [], stats, check: directCheck }

  test("the lab's figures follow the gateway's, its rows follow the paper's, its details sit under lab", () => {
    const report = paperReport({ gateway, direct, total: 4, maxInFlight: 1 })
    const names = report.figures.map((f) => f.name)
    expect(names.indexOf("acknowledged requests (lab, through the gateway)")).toBeGreaterThan(names.indexOf("node error answers (through the gateway)"))
    expect(names.indexOf("acknowledged requests (lab, through the gateway)")).toBeLessThan(names.indexOf("delivered (direct to the wallet)"))
    expect(report.comparisons[0]?.measure).toBe("paper A: delivered exactly once through the gateway")
    expect(report.comparisons.filter((c) => c.measure.startsWith("lab: "))).toHaveLength(4)
    expect(report.details).toMatchObject({ lab: { submissions: { acknowledged: 3 } } })
  })

  test("without a lab pass the report has no lab part", () => {
    const report = paperReport({ gateway: { ...gateway, lab: undefined }, direct, total: 4, maxInFlight: 1 })
    expect(report.comparisons.some((c) => c.measure.startsWith("lab: "))).toBe(false)
    expect(report.details).not.toHaveProperty("lab")
  })
})
