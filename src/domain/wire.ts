/**
 * The wire formats of `sendto` and `sendto.results`, written and read by the same
 * functions: the intake encodes a queued request and the partition executor decodes
 * it; the executor encodes status records and every status view decodes them. A
 * message that does not decode is a poison message, named with what is wrong.
 */
import type { QueuedRequest } from "./request.ts"
import type { RequestStatus, StatusRecord } from "./status.ts"

/** What `decode*` answers: the value, or why the bytes are not one. */
export type Decoded<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly problem: string }

const requestMethods: Readonly<Record<string, readonly string[]>> = {
  bitcoin: ["sendtoaddress", "sendfrom", "sendmany"],
  ethereum: ["transfer", "call", "raw"],
}

const statuses: ReadonlySet<string> = new Set<RequestStatus>(["accepted", "intent", "signed", "submitted", "confirmed", "failed", "dlq", "cancelled"])

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)

const parse = (text: string): Decoded<Record<string, unknown>> => {
  try {
    const value: unknown = JSON.parse(text)
    return isObject(value) ? { ok: true, value } : { ok: false, problem: "not a JSON object" }
  } catch {
    return { ok: false, problem: "not JSON" }
  }
}

/** The `sendto` message value of a queued request. */
export const encodeRequest = (request: QueuedRequest): string => JSON.stringify(request)

/** Reads a `sendto` message value back into a queued request. */
export const decodeRequest = (text: string): Decoded<QueuedRequest> => {
  const parsed = parse(text)
  if (!parsed.ok) return parsed
  const v = parsed.value
  if (typeof v.id !== "string" || v.id === "") return { ok: false, problem: "id: missing or not a string" }
  if (typeof v.sender !== "string" || v.sender === "") return { ok: false, problem: "sender: missing or not a string" }
  if (!isObject(v.body)) return { ok: false, problem: "body: missing or not an object" }
  const chain = v.body.chain
  if (typeof chain !== "string" || requestMethods[chain] === undefined) return { ok: false, problem: `body.chain: expected bitcoin or ethereum, found ${JSON.stringify(chain)}` }
  if (typeof v.body.method !== "string" || !(requestMethods[chain] ?? []).includes(v.body.method)) {
    return { ok: false, problem: `body.method: expected one of ${(requestMethods[chain] ?? []).join(", ")} for ${chain}, found ${JSON.stringify(v.body.method)}` }
  }
  if (!isObject(v.body.params)) return { ok: false, problem: "body.params: missing or not an object" }
  if (typeof v.accepted_at !== "number") return { ok: false, problem: "accepted_at: missing or not a number" }
  if (typeof v.body_hash !== "string") return { ok: false, problem: "body_hash: missing or not a string" }
  // Older messages have no owner; they decode, and match no webhook.
  if (v.owner !== undefined && typeof v.owner !== "string") return { ok: false, problem: "owner: not a string" }
  // The intake validated the body against its method before publishing it; this checks the envelope.
  return { ok: true, value: v as unknown as QueuedRequest }
}

/** The text of each record encoded so far; a record is never changed once made (its fields are readonly). */
const encodedTexts = new WeakMap<StatusRecord, string>()

/** The version of an Ethereum record that holds its `txid`, if `versions` has it. */
const shownVersion = (record: StatusRecord) => (record.txid === undefined ? undefined : record.versions?.find((v) => v.txid === record.txid))

/**
 * The record as written: an Ethereum record's `raw_tx` is left out when the version with
 * its `txid` carries the same bytes. Every such record carried its transaction twice, at the
 * top and in `versions`; the signed bytes were about a fifth of each record's text, written
 * to Kafka and replicated, read by every host's status view and stored. `statusFromText`
 * puts the field back, so readers and clients see the whole record. (A host of an older
 * version reads such a record without the top-level `raw_tx`; what it follows comes from
 * `versions`, which every version reads first.)
 */
const wireForm = (record: StatusRecord): StatusRecord =>
  record.raw_tx !== undefined && shownVersion(record)?.raw_tx === record.raw_tx ? { ...record, raw_tx: undefined } : record

/**
 * The `sendto.results` message value of a status record. The text is remembered per record
 * object: an executor's record is encoded by its partition's recorder for Kafka and again
 * by the status view that applies it, and the second time costs a lookup.
 */
export const encodeStatus = (record: StatusRecord): string => {
  let text = encodedTexts.get(record)
  if (text === undefined) {
    text = JSON.stringify(wireForm(record))
    encodedTexts.set(record, text)
  }
  return text
}

/**
 * A record just parsed from its text, with the `raw_tx` that `encodeStatus` left out put
 * back. The object is the parser's own, so the field is set on it instead of on a copy:
 * every host's status view reads every record of the topic through here.
 */
const withRawTx = (record: StatusRecord): StatusRecord => {
  if (record.raw_tx !== undefined) return record
  const raw = shownVersion(record)?.raw_tx
  if (raw !== undefined) (record as { raw_tx?: string }).raw_tx = raw
  return record
}

/**
 * A status record from text this process or a gateway wrote (`encodeStatus`): the status
 * view, its store and its writer thread read their own records with it, unchecked.
 * Anything read from elsewhere goes through `decodeStatus`.
 */
export const statusFromText = (text: string): StatusRecord => withRawTx(JSON.parse(text) as StatusRecord)

/** Reads a `sendto.results` message value back into a status record. */
export const decodeStatus = (text: string): Decoded<StatusRecord> => {
  const parsed = parse(text)
  if (!parsed.ok) return parsed
  const v = parsed.value
  if (typeof v.id !== "string") return { ok: false, problem: "id: missing or not a string" }
  if (typeof v.status !== "string" || !statuses.has(v.status)) return { ok: false, problem: `status: unknown ${JSON.stringify(v.status)}` }
  if (v.chain !== "bitcoin" && v.chain !== "ethereum") return { ok: false, problem: `chain: unknown ${JSON.stringify(v.chain)}` }
  if (typeof v.partition !== "number" || typeof v.at !== "number") return { ok: false, problem: "partition/at: missing or not numbers" }
  if (v.owner !== undefined && typeof v.owner !== "string") return { ok: false, problem: "owner: not a string" }
  return { ok: true, value: withRawTx(v as unknown as StatusRecord) }
}
