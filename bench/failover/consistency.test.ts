import { describe, expect, test } from "bun:test"
import { acknowledgedList, checkConsistency } from "./consistency.ts"
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

  test("replicas with exactly the acknowledged list are identical and consistent", () => {
    const list = { ok: true as const, lpi: 3, numbers: [10, 20, 40] }
    const c = checkConsistency([{ node: "n1", ...list }, { node: "n2", ...list }], records)
    expect(c).toMatchObject({ acknowledged: 3, replicasAgree: true, allIdentical: true, consistent: true, lostAcknowledged: 0, appliedUnacknowledged: 0 })
  })

  test("a number applied without an acknowledgement breaks identity but not consistency", () => {
    const list = { ok: true as const, lpi: 4, numbers: [10, 20, 30, 40] }
    const c = checkConsistency([{ node: "n1", ...list }, { node: "n2", ...list }], records)
    expect(c).toMatchObject({ allIdentical: false, consistent: true, appliedUnacknowledged: 1, lostAcknowledged: 0 })
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
