import { describe, expect, test } from "bun:test"
import { ANY_REPLICA, NO_RETRY, WITH_RETRY } from "./report.ts"
import { requestRecordsOf, servedAgainChart, table2Chart, table2Markdown, table2RunOf } from "./table2-summary.ts"

// One leader change: n1 cut at 10,000 ms, n2 elected at 11,000 ms. Rows: [client, seq, sentAtMs, doneAtMs, ok, outcome, index, node, attempts, lookup, applied].
const row = (client: number, seq: number, doneAtMs: number, ok: boolean, node: string | null): unknown[] =>
  [client, seq, doneAtMs - 10, doneAtMs, ok ? 1 : 0, ok ? "ok" : "Timeout:timeout", ok ? seq : null, node, 1, null, null]
const leaderChange = {
  leaderships: [{ node: "n1", epoch: 1, fromMs: 0, untilMs: 10_500 }, { node: "n2", epoch: 2, fromMs: 11_000, untilMs: null }],
  outages: [{ index: 1, node: "n1", leaderAtCut: "n1", startMs: 10_000, endMs: 30_000 }],
}

const doc = (mode: string, period: number, failedNoRetry: number, notIdentical = 0, failedAnyReplica?: number) => ({
  parameters: { mode, period, outage: 20, duration: 600 },
  figures: [
    { name: "requests per client", value: 1200 },
    { name: "failed requests, no retry", value: failedNoRetry },
    ...(failedAnyReplica === undefined ? [] : [{ name: "failed requests, one-shot any replica", value: failedAnyReplica }]),
    { name: "failed requests, SDK retry", value: 0 },
    { name: "leader changes", value: 2 },
    { name: "failover to election p50", value: 2500 },
    { name: "failover to first acknowledgement p50", value: 9000 },
    { name: "acknowledged requests lost", value: 0 },
    { name: "gave up, applied (client not told)", value: 3 },
    { name: "replicas not identical to acknowledged + gave-up-applied", value: notIdentical },
  ],
})

describe("Table 2 summary", () => {
  test("a result without the client figures is refused with the missing names", () => {
    expect(table2RunOf("x.json", { parameters: { mode: "random" }, figures: [] })).toContain("failedNoRetry")
  })

  test("rows come in the paper's order beside its figures; a mismatch is spelled out", () => {
    const runs = [doc("leader", 25, 300, 0, 250), doc("random", 60, 10), doc("leader", 60, 100, 1)].map((d, i) => table2RunOf(`r${i}.json`, d))
    const ok = runs.flatMap((r) => (typeof r === "string" ? [] : [r]))
    expect(ok).toHaveLength(3)
    const rows = table2Markdown(ok).split("\n").slice(2)
    expect(rows[0]).toStartWith("| 60 s | random | 8/1200 | 10/1200 | - | 0/1200 | 1 | 2 | 2.5 s | - / - / - | identical (3 gave-up requests applied) |")
    expect(rows[1]).toContain("NOT identical: 1 replicas, 0 lost")
    expect(rows[2]).toStartWith("| 25 s | leader | 976/1200 | 300/1200 | 250/1200 | 0/1200")
    const chart = table2Chart(ok)
    expect(chart.groups.map((g) => g.label)).toEqual(["random / 60 s", "leader / 60 s", "leader / 25 s"])
    expect(chart.groups[2]?.values).toEqual([976, 300, 250, 0])
  })

  test("rows written with the old client column (0 paper B's, 1 every other) are named by their order", () => {
    const rows = [row(0, 0, 100, true, "n1"), row(0, 1, 600, true, "n1"), row(1, 0, 100, true, "n1"), row(1, 1, 600, true, "n1"), row(1, 0, 120, true, "n1")]
    expect(requestRecordsOf([NO_RETRY, ANY_REPLICA, WITH_RETRY], rows).map((r) => `${r.client}#${r.seq}`)).toEqual([
      `${NO_RETRY}#0`, `${NO_RETRY}#1`, `${ANY_REPLICA}#0`, `${ANY_REPLICA}#1`, `${WITH_RETRY}#0`,
    ])
  })

  test("served again per client: its own first acknowledgement by the new leader, from the cut; in the table and the chart", () => {
    const requests = [
      row(0, 0, 9_000, true, "n1"), row(0, 1, 12_500, false, null), row(0, 2, 14_000, true, "n2"),
      row(1, 0, 9_000, true, "n1"), row(1, 1, 11_500, true, "n2"),
      row(1, 0, 9_000, true, "n1"), row(1, 1, 11_200, true, "n2"),
    ]
    const d = { ...doc("leader", 60, 1, 0, 0), parameters: { mode: "leader", period: 60, outage: 20, duration: 600, clients: "all" }, details: { ...leaderChange, requests } }
    const run = table2RunOf("a.json", d)
    if (typeof run === "string") throw new Error(run)
    expect(run.servedAgain).toEqual([{ [NO_RETRY]: 4000, [ANY_REPLICA]: 1500, [WITH_RETRY]: 1200 }])
    expect(table2Markdown([run]).split("\n")[2]).toContain("| 4.0 s / 1.5 s / 1.2 s |")
    const chart = servedAgainChart([run])
    expect(chart.series.map((s) => [s.name, s.points])).toEqual([
      [NO_RETRY, [[1, 4]]],
      [ANY_REPLICA, [[1, 1.5]]],
      [WITH_RETRY, [[1, 1.2]]],
    ])
  })
})
