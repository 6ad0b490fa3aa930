import { describe, expect, test } from "bun:test"
import type { QueuedRequest } from "../domain/request.ts"
import type { StatusRecord } from "../domain/status.ts"
import { notYetSigned, runnablePrefix, skippedRecord, skipsAsCancelled } from "./cancel.ts"
import type { LaneItem } from "./lane.ts"

const request = (id: string): QueuedRequest => ({ id, sender: "0xs", body: { chain: "ethereum", method: "transfer", params: { from: "0xs", to: "0xt", value: "1" } }, accepted_at: 1, body_hash: "h" })
const item = (id: string, offset: bigint): LaneItem => ({ offset, request: request(id) })
const rec = (status: StatusRecord["status"], extra: Partial<StatusRecord> = {}): StatusRecord => ({ id: "r", status, chain: "ethereum", sender: "0xs", partition: 0, at: 1, ...extra })

describe("cancel before signing", () => {
  const cases: ReadonlyArray<[string, StatusRecord | undefined, boolean]> = [
    ["no record yet", undefined, true],
    ["accepted", rec("accepted"), true],
    ["signed (bytes recorded)", rec("signed", { raw_tx: "0x02", txid: "0xa" }), false],
    ["a Bitcoin request paid by a transaction", rec("submitted", { txid: "b1" }), false],
    ["already failed", rec("failed"), false],
    ["already cancelled", rec("cancelled"), false],
  ]
  for (const [name, prior, expected] of cases) test(`${name}: ${expected ? "skips" : "left to the lane"}`, () => expect(notYetSigned(prior)).toBe(expected))

  test("only a cancel request that is not yet signed skips", () => {
    const records = { get: (id: string) => (id === "signed" ? rec("signed", { raw_tx: "0x" }) : undefined), cancelRequested: (id: string) => id !== "kept" }
    expect(skipsAsCancelled(records, item("fresh", 1n))).toBe(true)
    expect(skipsAsCancelled(records, item("signed", 2n))).toBe(false)
    expect(skipsAsCancelled(records, item("kept", 3n))).toBe(false)
  })

  test("a run stops before the first item to skip", () => {
    const take = [item("a", 1n), item("b", 2n), item("x", 3n), item("c", 4n)]
    expect(runnablePrefix(take, (i) => i.request.id === "x")).toBe(2)
    expect(runnablePrefix(take, () => false)).toBe(4)
    expect(runnablePrefix(take, (i) => i.request.id === "a")).toBe(0)
  })

  test("the skipped record is cancelled, names why, and follows the prior revision", () => {
    expect(skippedRecord(item("r", 1n), undefined, 3, 99)).toMatchObject({ id: "r", status: "cancelled", partition: 3, at: 99, rev: 1, reason: expect.stringContaining("before it was signed") })
    expect(skippedRecord(item("r", 1n), rec("accepted", { rev: 0 }), 3, 99)).toMatchObject({ status: "cancelled", rev: 1 })
  })
})
