import { describe, expect, test } from "bun:test"
import { table2Chart, table2Markdown, table2RunOf } from "./table2-summary.ts"

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
    expect(rows[0]).toStartWith("| 60 s | random | 8/1200 | 10/1200 | - | 0/1200 | 1 | 2 | 2.5 s | 9.0 s | identical (3 gave-up requests applied) |")
    expect(rows[1]).toContain("NOT identical: 1 replicas, 0 lost")
    expect(rows[2]).toStartWith("| 25 s | leader | 976/1200 | 300/1200 | 250/1200 | 0/1200")
    const chart = table2Chart(ok)
    expect(chart.groups.map((g) => g.label)).toEqual(["random / 60 s", "leader / 60 s", "leader / 25 s"])
    expect(chart.groups[2]?.values).toEqual([976, 300, 250, 0])
  })
})
