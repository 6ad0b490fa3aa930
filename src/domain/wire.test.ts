import { describe, expect, test } from "bun:test"
import type { StatusRecord } from "./status.ts"
import { decodeStatus, encodeStatus } from "./wire.ts"

const record: StatusRecord = { id: "r1", status: "signed", chain: "ethereum", sender: "0xaa", partition: 3, at: 1_700_000_000_000, rev: 2, raw_tx: "0x02f8", nonce: 7 }

describe("encodeStatus", () => {
  test("gives the record's JSON, the same text each time, and decodes back to an equal record", () => {
    const text = encodeStatus(record)
    expect(text).toBe(JSON.stringify(record))
    expect(encodeStatus(record)).toBe(text)
    const back = decodeStatus(text)
    expect(back.ok && back.value).toEqual(record)
  })

  test("a new record with other fields gets its own text, never the text of the record it was made from", () => {
    const confirmed: StatusRecord = { ...record, status: "confirmed", rev: 3, confirmations: 2 }
    encodeStatus(record)
    expect(encodeStatus(confirmed)).toBe(JSON.stringify(confirmed))
    expect(encodeStatus(confirmed)).not.toBe(encodeStatus(record))
  })
})
