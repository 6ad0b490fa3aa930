import { describe, expect, test } from "bun:test"
import { checkConsistency, type Resolution } from "./consistency.ts"
import { ANY_REPLICA, type FailoverRun, failoverReport, NO_RETRY, paperTable, WITH_RETRY } from "./report.ts"
import type { RequestRecord } from "./request-record.ts"

const rec = (client: string, seq: number, number: number, index: number | undefined): RequestRecord => ({
  client, seq, requestId: `${client === NO_RETRY ? "n" : "r"}-${seq}`, number, sentAtMs: seq * 500, doneAtMs: seq * 500 + 10,
  outcome: index === undefined ? "Timeout:timeout" : "ok", ok: index !== undefined, index, node: index === undefined ? undefined : "n1", attempts: 1, duplicate: false,
})

describe("the failover report", () => {
  // No retry: 1 acknowledged, 1 gave up but applied (index 2), 1 gave up and not applied; SDK retry: 3 acknowledged.
  const records = [rec(NO_RETRY, 0, 10, 1), rec(NO_RETRY, 1, 20, undefined), rec(NO_RETRY, 2, 30, undefined), rec(WITH_RETRY, 0, 11, 3), rec(WITH_RETRY, 1, 21, 4), rec(WITH_RETRY, 2, 31, 5)]
  const resolved = new Map<string, Resolution>([["n-1", { _tag: "applied", index: 2 }], ["n-2", { _tag: "not-applied" }]])
  const list = { ok: true as const, lpi: 5, numbers: [10, 20, 11, 21, 31] }
  const run: FailoverRun = {
    mode: "leader", periodS: 60, outageS: 20, durationS: 600, rate: 2, clients: [NO_RETRY, WITH_RETRY], records,
    outages: [], leaderships: [{ node: "n1", epoch: 1, fromMs: 0, untilMs: 100 }, { node: "n2", epoch: 2, fromMs: 200, untilMs: undefined }], failovers: [],
    consistency: checkConsistency([{ node: "n1", ...list }, { node: "n2", ...list }], records, resolved), resolved, resolvedOn: "n2", lab: null,
  }

  test("the table says identical to acknowledged + gave-up-applied, and each client's outcomes", () => {
    const lines = paperTable(run).join("\n")
    expect(lines).toContain("identical (4 acknowledged + 1 applied after the client gave up)")
    expect(lines).toMatch(/no retry\s+1\s+1\s+1\s+0/)
    expect(lines).toMatch(/SDK retry\s+3\s+0\s+0\s+0/)
    expect(lines).toContain("acknowledged requests lost: 0")
    expect(lines).toContain("leader (n2) found applied")
  })

  test("the JSON carries the outcome figures and each gave-up request's lookup", () => {
    const report = failoverReport(run)
    const fig = (name: string) => report.figures.find((f) => f.name === name)?.value
    expect(fig("failed requests, no retry")).toBe(2)
    expect(fig("gave up, applied (client not told)")).toBe(1)
    expect(fig("gave up, not applied")).toBe(1)
    expect(fig("gave up, outcome unresolved")).toBe(0)
    expect(fig("acknowledged requests lost")).toBe(0)
    expect(fig("replicas not identical to acknowledged + gave-up-applied")).toBe(0)
    const details = report.details as { consistency: Record<string, unknown>; requests: unknown[][] }
    expect(details.consistency).toMatchObject({ allIdentical: true, gaveUpApplied: 1, gaveUpNotApplied: 1, expected: 5, resolvedOn: "n2" })
    expect(details.requests[1]?.slice(-2)).toEqual(["applied", 2])
    expect(details.requests[2]?.slice(-2)).toEqual(["not-applied", null])
    expect(details.requests[0]?.slice(-2)).toEqual([null, null])
  })

  test("served again is given per client, and the request rows name their client by its index in `clients`", () => {
    const three: FailoverRun = {
      ...run,
      clients: [NO_RETRY, ANY_REPLICA, WITH_RETRY],
      records: [...records, { ...rec(ANY_REPLICA, 0, 12, 6) }],
      failovers: [
        { atMs: 200, from: "n1", to: "n2", cause: "leader cut", fromMs: 100, electedMs: 100, servingMs: 300, servingByClient: { [NO_RETRY]: 900, [ANY_REPLICA]: 400, [WITH_RETRY]: 300 } },
        { atMs: 9200, from: "n2", to: "n1", cause: "leader cut", fromMs: 9000, electedMs: 200, servingMs: 500, servingByClient: { [NO_RETRY]: undefined, [ANY_REPLICA]: 600, [WITH_RETRY]: 500 } },
      ],
    }
    const report = failoverReport(three)
    const fig = (name: string) => report.figures.find((f) => f.name === name)?.value
    expect([fig(`failover to first acknowledgement p50, ${NO_RETRY}`), fig(`failover to first acknowledgement max, ${NO_RETRY}`)]).toEqual([900, 900])
    expect(fig(`failover to first acknowledgement max, ${ANY_REPLICA}`)).toBe(600)
    expect([fig(`failover to first acknowledgement p50, ${WITH_RETRY}`), fig(`failover to first acknowledgement max, ${WITH_RETRY}`)]).toEqual([300, 500])
    const details = report.details as { clients: string[]; requests: unknown[][]; failovers: Array<{ servingByClient: Record<string, number | null> }> }
    expect(details.clients).toEqual([NO_RETRY, ANY_REPLICA, WITH_RETRY])
    expect(details.requests.map((r) => r[0])).toEqual([0, 0, 0, 2, 2, 2, 1])
    expect(details.failovers[1]?.servingByClient).toEqual({ [NO_RETRY]: null, [ANY_REPLICA]: 600, [WITH_RETRY]: 500 })
  })
})
