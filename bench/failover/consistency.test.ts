import { describe, expect, test } from "bun:test"
import { acknowledgedList, checkConsistency, expectedList, type Resolution } from "./consistency.ts"
import type { RequestRecord } from "./request-record.ts"

const rec = (seq: number, number: number, index: number | undefined): RequestRecord => ({
  client: "c", seq, requestId: `c-${seq}`, number, sentAtMs: seq * 500, doneAtMs: seq * 500 + 10,
  outcome: index === undefined ? "Timeout:timeout" : "ok", ok: index !== undefined, index, node: index === undefined ? undefined : "n1", attempts: 1, duplicate: false,
})

describe("checkConsistency", () => {
  // 3 acknowledged (indexes 1, 2, 4), one failed whose number was applied anyway (index 3), one failed and not applied.
  const records = [rec(0, 10, 1), rec(1, 20, 2), rec(2, 30, undefined), rec(3, 40, 4), rec(4, 50, undefined)]

  test("the acknowledged list follows the log indexes", () => {
    expect(acknowledgedList(records)).toEqual([10, 20, 40])
  })

  // The leader says: c-2 (30) was applied at index 3 though its client gave up; c-4 (50) was not.
  const resolved = new Map<string, Resolution>([["c-2", { _tag: "applied", index: 3 }], ["c-4", { _tag: "not-applied" }]])

  test("the expected list is the acknowledged numbers plus the gave-up ones found applied, in index order", () => {
    expect(expectedList(records, resolved)).toEqual([10, 20, 30, 40])
    expect(expectedList(records, new Map())).toEqual([10, 20, 40])
  })

  test("replicas holding the acknowledged plus the gave-up-but-applied numbers are identical, and the outcomes are counted", () => {
    const list = { ok: true as const, lpi: 4, numbers: [10, 20, 30, 40] }
    const c = checkConsistency([{ node: "n1", ...list }, { node: "n2", ...list }], records, resolved)
    expect(c).toMatchObject({
      acknowledged: 3, gaveUpApplied: 1, gaveUpNotApplied: 1, unresolved: 0, expected: 4,
      replicasAgree: true, allIdentical: true, consistent: true, lostAcknowledged: 0, appliedUnacknowledged: 1,
    })
  })

  test("a gave-up number the leader did not find applied breaks identity (it is unexplained) but not consistency", () => {
    const list = { ok: true as const, lpi: 4, numbers: [10, 20, 30, 40] }
    const c = checkConsistency([{ node: "n1", ...list }], records, new Map<string, Resolution>([["c-2", { _tag: "not-applied" }], ["c-4", { _tag: "not-applied" }]]))
    expect(c).toMatchObject({ allIdentical: false, consistent: true, gaveUpApplied: 0, gaveUpNotApplied: 2 })
  })

  test("a gave-up number found applied but missing from a replica breaks identity", () => {
    const list = { ok: true as const, lpi: 3, numbers: [10, 20, 40] }
    const c = checkConsistency([{ node: "n1", ...list }], records, resolved)
    expect(c).toMatchObject({ allIdentical: false, consistent: true, lostAcknowledged: 0 })
  })

  test("without resolutions every gave-up request is unresolved and only the acknowledged list is expected", () => {
    const list = { ok: true as const, lpi: 3, numbers: [10, 20, 40] }
    const c = checkConsistency([{ node: "n1", ...list }], records)
    expect(c).toMatchObject({ acknowledged: 3, unresolved: 2, gaveUpApplied: 0, expected: 3, allIdentical: true })
  })

  test("a lost acknowledgement, a duplicate, a foreign number and disagreeing replicas are all caught", () => {
    const c = checkConsistency(
      [
        { node: "n1", ok: true, lpi: 2, numbers: [10, 40] },
        { node: "n2", ok: true, lpi: 5, numbers: [10, 20, 20, 40, 99] },
        { node: "n3", ok: false, error: "timeout" },
      ],
      records,
    )
    expect(c.replicasAgree).toBe(false)
    expect(c.consistent).toBe(false)
    expect(c.lostAcknowledged).toBe(1)
    expect(c.replicas.map((v) => [v.node, v.lostAcknowledged, v.duplicated, v.foreign, v.read])).toEqual([
      ["n1", 1, 0, 0, true],
      ["n2", 0, 1, 1, true],
      ["n3", 0, 0, 0, false],
    ])
  })

  test("acknowledged numbers out of index order are caught", () => {
    const list = { ok: true as const, lpi: 3, numbers: [20, 10, 40] }
    const c = checkConsistency([{ node: "n1", ...list }], records)
    expect(c.replicas[0]?.outOfOrder).toBe(2)
    expect(c.consistent).toBe(false)
  })
})
