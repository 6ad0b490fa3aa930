/**
 * What a request's outcome was, asked without resubmitting it: `GET /v1/requests/:id`
 * against one location. A submit that gave up (timeout, no answer) may still have been
 * applied; a resubmit would apply it if it was not, a lookup changes nothing. The
 * answer holds as of the replica's latest processed index (`lpi`), so ask the serving
 * leader. `readLookup` is the pure reader of the reply.
 */
import type { ReadFailed } from "./failover-client.ts"
import { type JsonReply, getJson } from "./service-http.ts"
import type { NoAnswer } from "./service-answer.ts"

/** The request was applied, at `index` (its first application). */
export interface RequestApplied {
  readonly _tag: "RequestApplied"
  readonly location: string
  readonly node: string
  readonly index: number
  readonly lpi: number
}

/** The replica's dedupe window (its last 4096 requests applied) does not hold the request, as of `lpi`. */
export interface RequestUnknown {
  readonly _tag: "RequestUnknown"
  readonly location: string
  readonly node: string
  readonly lpi: number
}

/** A lookup's outcome. */
export type RequestLookup = RequestApplied | RequestUnknown | ReadFailed

const field = (body: unknown, name: string): unknown => (typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined)

/** Reads the reply to `GET /v1/requests/:id` from `location`. */
export const readLookup = (location: string, reply: JsonReply | NoAnswer): RequestLookup => {
  if (reply._tag === "NoAnswer") return { _tag: "ReadFailed", location, detail: `${reply.kind}: ${reply.detail}` }
  const node = field(reply.body, "node")
  const lpi = field(reply.body, "lpi")
  const index = field(reply.body, "index")
  if (typeof node === "string" && typeof lpi === "number") {
    if (reply.status === 200 && typeof index === "number") return { _tag: "RequestApplied", location, node, index, lpi }
    if (reply.status === 404 && field(reply.body, "error") === "unknown_request") return { _tag: "RequestUnknown", location, node, lpi }
  }
  const error = field(reply.body, "error")
  return { _tag: "ReadFailed", location, detail: `HTTP ${reply.status}${typeof error === "string" ? ` ${error}` : ""}: not a request lookup answer; is ${location} the sample service?` }
}

/** Asks `location` whether `requestId` was applied there. */
export const lookupAt = async (location: string, requestId: string, timeoutMs: number): Promise<RequestLookup> =>
  readLookup(location, await getJson(location, `/v1/requests/${encodeURIComponent(requestId)}`, timeoutMs))
