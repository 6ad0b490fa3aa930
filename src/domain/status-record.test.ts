import { describe, expect, test } from "bun:test"
import { nextRecord } from "./status-record.ts"
import type { StatusRecord } from "./status.ts"

const waiting: StatusRecord = {
  id: "r1",
  status: "submitted",
  chain: "ethereum",
  sender: "0xabc",
  partition: 2,
  at: 1_000,
  rev: 3,
  txid: "0x01",
  nonce: 7,
  reason: "fee cap reached; waits for the base fee to fall",
}

describe("nextRecord", () => {
  test("keeps the identity and the fields, and counts the revision up", () => {
    const next = nextRecord(waiting, "confirmed", 2_000, { block: 12 })
    expect(next).toMatchObject({ id: "r1", chain: "ethereum", sender: "0xabc", partition: 2, txid: "0x01", nonce: 7, block: 12 })
    expect(next.status).toBe("confirmed")
    expect(next.at).toBe(2_000)
    expect(next.rev).toBe(4)
  })

  test("does not carry the prior record's reason into the next status", () => {
    const next = nextRecord(waiting, "confirmed", 2_000)
    expect("reason" in next).toBe(false)
  })

  test("takes a reason given for the new status", () => {
    expect(nextRecord(waiting, "failed", 2_000, { reason: "insufficient funds" }).reason).toBe("insufficient funds")
  })

  test("a record without a revision gets revision 1", () => {
    const { rev: _rev, ...unrevised } = waiting
    expect(nextRecord(unrevised, "signed", 2_000).rev).toBe(1)
  })
})
