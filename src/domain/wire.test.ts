import { describe, expect, test } from "bun:test"
import type { StatusRecord } from "./status.ts"
import { decodeStatus, encodeStatus, statusFromText } from "./wire.ts"

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

describe("an Ethereum record's signed bytes on the wire", () => {
  const raw = "0x02f86f827a69808477359400847735940082520894" + "ab".repeat(40)
  const signed: StatusRecord = {
    id: "r2", status: "signed", chain: "ethereum", sender: "0xaa", partition: 1, at: 1_700_000_000_000, rev: 1,
    txid: "0xt2", raw_tx: raw, nonce: 4, node: "eth-1",
    versions: [{ txid: "0xt1", raw_tx: "0x02old", max_fee: "2", tip: "1", at: 1 }, { txid: "0xt2", raw_tx: raw, max_fee: "3", tip: "1", at: 2 }],
  }
  const count = (text: string, part: string) => text.split(part).length - 1

  test("go once, in the version that holds the record's txid, and come back at the top when read", () => {
    const text = encodeStatus(signed)
    expect(count(text, raw)).toBe(1)
    expect(JSON.parse(text).raw_tx).toBeUndefined()
    expect(text.length).toBeLessThan(JSON.stringify(signed).length - raw.length)
    const decoded = decodeStatus(text)
    expect(decoded.ok && decoded.value).toEqual(signed)
    expect(statusFromText(text)).toEqual(signed)
  })

  test("stay at the top when no version holds the same bytes under the record's txid, and when there are no versions", () => {
    const other: StatusRecord = { ...signed, raw_tx: "0x02different" }
    expect(JSON.parse(encodeStatus(other)).raw_tx).toBe("0x02different")
    expect(statusFromText(encodeStatus(other))).toEqual(other)
    const unknownTxid: StatusRecord = { ...signed, txid: "0xt9" }
    expect(JSON.parse(encodeStatus(unknownTxid)).raw_tx).toBe(raw)
    const bitcoin: StatusRecord = { id: "tx:1", kind: "transaction", status: "signed", chain: "bitcoin", sender: "default", partition: 0, at: 1, txid: "ab", raw_tx: "0200" }
    expect(JSON.parse(encodeStatus(bitcoin)).raw_tx).toBe("0200")
  })

  test("a record written whole, as before, reads the same", () => {
    const whole = JSON.stringify(signed)
    expect(statusFromText(whole)).toEqual(signed)
    const decoded = decodeStatus(whole)
    expect(decoded.ok && decoded.value).toEqual(signed)
  })
})
