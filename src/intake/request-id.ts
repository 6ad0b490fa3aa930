/**
 * Request ids and body hashes. With an `Idempotency-Key`, the id is derived from the
 * API key and the idempotency key, so a client's retry maps to the same id on any
 * intake host and the consumer can tell it is a repeat. The body hash is over a
 * canonical JSON form, so a retry that only reorders keys still counts as the same body.
 */
import { createHash } from "node:crypto"
import type { RequestBody } from "../domain/request.ts"

/** The header's rule, for the 400 that refuses a malformed one. */
export const idempotencyKeyRule = "1 to 255 printable ASCII characters"

const printableAscii = /^[\x20-\x7e]{1,255}$/

/** True when the header value is usable as an idempotency key. */
export const isValidIdempotencyKey = (key: string): boolean => printableAscii.test(key)

const sha256 = (text: string): Buffer => createHash("sha256").update(text).digest()

/**
 * Formats the first 16 bytes of a digest as a UUID (version 8, "custom", RFC 9562), so
 * derived ids look like the random ones and fit the same columns and URLs.
 */
const uuidFromDigest = (digest: Buffer): string => {
  const b = Buffer.from(digest.subarray(0, 16))
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x80
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80
  const h = b.toString("hex")
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

/** The id of a request (or batch) sent with `Idempotency-Key`: sha256(apiKey + ":" + key) as a UUID. */
export const idempotentId = (apiKey: string, idempotencyKey: string): string => uuidFromDigest(sha256(`${apiKey}:${idempotencyKey}`))

/** The id of item `index` of a batch whose id was derived: sha256(batchId + ":" + index) as a UUID. */
export const batchItemId = (batchId: string, index: number): string => uuidFromDigest(sha256(`${batchId}:${index}`))

/**
 * A fresh id, for requests sent without an idempotency key: a UUIDv7 (RFC 9562), its
 * first 48 bits the time in ms and the rest random. Ids made one after another sort
 * together, so the status store's id index takes each write near the last one instead of
 * on a random page: with v4 ids its writer thread spent as much CPU as the intake itself.
 */
export const randomId = (): string => Bun.randomUUIDv7()

/**
 * JSON with object keys sorted at every level (by UTF-16 code unit), so equal bodies hash
 * equally; keys whose value is undefined are left out, as JSON.stringify does. Built by
 * concatenation: the batch intake hashes every item, and the entries/filter/map/join
 * version of this was a twelfth of its main thread in a profile.
 */
export const canonicalJson = (value: unknown): string => {
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null"
  if (Array.isArray(value)) {
    let out = "["
    for (let i = 0; i < value.length; i++) out += `${i === 0 ? "" : ","}${canonicalJson(value[i])}`
    return `${out}]`
  }
  const record = value as Readonly<Record<string, unknown>>
  let out = "{"
  for (const k of Object.keys(record).sort()) {
    const v = record[k]
    if (v === undefined) continue
    out += `${out === "{" ? "" : ","}${JSON.stringify(k)}:${canonicalJson(v)}`
  }
  return `${out}}`
}

/** SHA-256 (hex) of the validated body's canonical JSON: the `body_hash` of `QueuedRequest`. Bun's one-shot hash: a 10,000-item batch hashes every item. */
export const bodyHash = (body: RequestBody): string => Bun.SHA256.hash(canonicalJson(body), "hex")
