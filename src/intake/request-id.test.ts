import { describe, expect, test } from "bun:test"
import type { RequestBody } from "../domain/request.ts"
import { batchItemId, bodyHash, canonicalJson, idempotentId, isValidIdempotencyKey, randomId } from "./request-id.ts"

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe("ids", () => {
  test("a derived id is stable, UUID-shaped, and depends on both keys", () => {
    const a = idempotentId("key-1", "order-42")
    expect(a).toMatch(uuid)
    expect(idempotentId("key-1", "order-42")).toBe(a)
    expect(idempotentId("key-2", "order-42")).not.toBe(a)
    expect(idempotentId("key-1", "order-43")).not.toBe(a)
  })
  test("the API key and idempotency key are joined with ':' (sha256 of the joined text)", () => {
    const digest = new Bun.CryptoHasher("sha256").update("k:i").digest("hex")
    const id = idempotentId("k", "i").replace(/-/g, "")
    expect(id.slice(0, 12)).toBe(digest.slice(0, 12))
  })
  test("batch item ids are stable per index", () => {
    const batch = idempotentId("k", "payroll-2024-06")
    expect(batchItemId(batch, 0)).toMatch(uuid)
    expect(batchItemId(batch, 0)).toBe(batchItemId(batch, 0))
    expect(batchItemId(batch, 0)).not.toBe(batchItemId(batch, 1))
  })
  test("random ids differ, and are UUIDv7s that sort in the order they were made", () => {
    const ids = Array.from({ length: 1000 }, () => randomId())
    expect(new Set(ids).size).toBe(1000)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect([...ids].sort()).toEqual(ids)
  })
})

describe("idempotency keys", () => {
  test.each([
    ["a", true],
    ["order 42/retry=1", true],
    ["x".repeat(255), true],
    ["", false],
    ["x".repeat(256), false],
    ["tab\there", false],
    ["naïve", false],
  ])("%p -> %p", (key, ok) => expect(isValidIdempotencyKey(key)).toBe(ok))
})

describe("body hash", () => {
  const a: RequestBody = { chain: "ethereum", method: "transfer", params: { from: "0xa", to: "0xb", value: "1" } }
  test("canonical JSON sorts keys at every level", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(`{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}`)
  })
  test("the hash of a body stays what stores already hold (pinned)", () => {
    expect(bodyHash(a)).toBe("0e53815f503313bd6f128bdc1db673a5804e7b80e085103f2076478060ef01e9")
    expect(canonicalJson({ b: [1, undefined, null, { Z: 1, a: 2, "\u00e4": 3, 10: 4, 9: 5 }], a: true, x: undefined })).toBe(
      `{"a":true,"b":[1,null,null,{"10":4,"9":5,"Z":1,"a":2,"\u00e4":3}]}`,
    )
  })
  test("key order does not change the hash; a value does", () => {
    const reordered: RequestBody = { params: { value: "1", to: "0xb", from: "0xa" }, method: "transfer", chain: "ethereum" }
    expect(bodyHash(reordered)).toBe(bodyHash(a))
    expect(bodyHash({ ...a, params: { ...a.params, value: "2" } })).not.toBe(bodyHash(a))
    expect(bodyHash(a)).toMatch(/^[0-9a-f]{64}$/)
  })
})
