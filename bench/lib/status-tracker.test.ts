import { describe, expect, test } from "bun:test"
import type { StatusRecord } from "../../src/domain/status.ts"
import { endToEndRate, makeStatusTracker, parseStatusRecord } from "./status-tracker.ts"

const rec = (id: string, status: StatusRecord["status"], at: number, reason?: string): StatusRecord => ({
  id, status, at, chain: "ethereum", sender: "0xa", partition: 0, ...(reason === undefined ? {} : { reason }),
})

describe("makeStatusTracker", () => {
  test("follows each request to its furthest status and times the pipeline by the records' own stamps", () => {
    const t = makeStatusTracker()
    for (const r of [
      rec("a", "accepted", 1000), rec("b", "accepted", 1010), rec("c", "accepted", 1020), rec("d", "accepted", 1030),
      rec("a", "signed", 1100), rec("b", "signed", 1300),
      // Out of order: a late duplicate "accepted" must not move a request back.
      rec("a", "confirmed", 1500), rec("a", "accepted", 1600),
      rec("c", "failed", 1400, "nonce too low"),
      rec("d", "signed", 2000),
    ]) t.apply(r)
    const s = t.summary()
    expect(s.byStatus).toEqual({ confirmed: 1, signed: 2, failed: 1 })
    expect([s.seen, s.reachedNode, s.final, s.failed, s.dlq]).toEqual([4, 3, 2, 1, 0])
    expect([s.firstAcceptedAt, s.lastReachedAt, s.lastFinalAt]).toEqual([1000, 2000, 1500])
    expect(s.reasons).toEqual([["nonce too low", 1]])
    expect(endToEndRate(s)).toBe(3)
    // A gateway that publishes no "accepted" records: the client's first 202 starts the clock.
    expect(endToEndRate(s, 1500)).toBe(6)
    expect(t.reachedTimes()).toEqual([1100, 1300, 2000])
  })

  test("a Bitcoin transaction record or an Ethereum filler is not a request: it counts nowhere", () => {
    const t = makeStatusTracker()
    t.apply(rec("r", "accepted", 1000))
    t.apply({ ...rec("btc-tx:ab", "confirmed", 1100), kind: "transaction" })
    t.apply({ ...rec("filler:0xa:3", "confirmed", 1100), kind: "filler" })
    t.apply({ ...rec("r", "submitted", 1200), kind: "request" })
    const s = t.summary()
    expect([s.seen, s.reachedNode, s.final]).toEqual([1, 1, 0])
    expect(s.byStatus).toEqual({ submitted: 1 })
  })

  test("no rate before anything reached the node", () => {
    const t = makeStatusTracker()
    t.apply(rec("a", "accepted", 1000))
    expect(endToEndRate(t.summary())).toBeNull()
  })
})

describe("parseStatusRecord", () => {
  test.each([
    [JSON.stringify(rec("a", "submitted", 5)), "submitted"],
    ['{"id":"a","status":"weird","at":1}', undefined],
    ['{"id":"a","status":"signed"}', undefined],
    ["not json", undefined],
  ])("%s", (text, status) => {
    expect(parseStatusRecord(text)?.status as string | undefined).toBe(status)
  })
})
