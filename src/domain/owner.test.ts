import { describe, expect, test } from "bun:test"
import { makeOwnerCache, ownerOf } from "./owner.ts"
import { statusRecordFor } from "./status-record.ts"
import { decodeRequest, decodeStatus, encodeRequest, encodeStatus } from "./wire.ts"
import type { QueuedRequest } from "./request.ts"

const request: QueuedRequest = {
  id: "r-1",
  sender: "0xabc",
  body: { chain: "ethereum", method: "transfer", params: { from: "0xabc", to: "0xdef", value: "1" } },
  accepted_at: 1,
  body_hash: "h",
  owner: ownerOf("key-a"),
}

describe("owner", () => {
  test("is 16 hex digits, stable per key, different between keys, and not the key", () => {
    expect(ownerOf("key-a")).toMatch(/^[0-9a-f]{16}$/)
    expect(ownerOf("key-a")).toBe(ownerOf("key-a"))
    expect(ownerOf("key-a")).not.toBe(ownerOf("key-b"))
    expect(makeOwnerCache()("key-a")).toBe(ownerOf("key-a"))
  })

  test("travels from the queued request into every status record built from it", () => {
    const decoded = decodeRequest(encodeRequest(request))
    expect(decoded.ok && decoded.value.owner).toBe(ownerOf("key-a"))
    const record = statusRecordFor(request, 3, "signed", 10)
    expect(record.owner).toBe(ownerOf("key-a"))
    const back = decodeStatus(encodeStatus(record))
    expect(back.ok && back.value.owner).toBe(ownerOf("key-a"))
  })

  test("older messages without an owner still decode; a malformed owner does not", () => {
    const { owner: _, ...old } = request
    expect(decodeRequest(JSON.stringify(old)).ok).toBe(true)
    expect(statusRecordFor(old, 0, "signed", 1).owner).toBeUndefined()
    expect(decodeRequest(JSON.stringify({ ...request, owner: 5 }))).toEqual({ ok: false, problem: "owner: not a string" })
  })
})
