/**
 * `GET /v1/requests?status=&sender=&chain=&since=&cursor=&limit=`: the query an operator
 * lists requests with (what is stuck in `signed`, what failed since this morning), read
 * into typed filters here, with a 400-ready reason for each bad parameter. Pages are
 * ordered by when the request was first seen, then by id, and a cursor names the last
 * request of the page, so paging on while new requests arrive neither skips nor repeats.
 */
import type { RequestStatus, StatusRecord } from "../domain/status.ts"

/** Statuses a request can be listed by. */
export const listableStatuses: readonly RequestStatus[] = ["accepted", "intent", "signed", "submitted", "confirmed", "failed", "dlq", "cancelled"]

/** Page sizes of the list. */
export const listLimits = { defaultLimit: 100, maxLimit: 1000 } as const

/** The filters of one page. */
export interface ListQuery {
  readonly status?: RequestStatus
  readonly sender?: string
  readonly chain?: "bitcoin" | "ethereum"
  /** Only requests first seen at or after this time (epoch ms). */
  readonly since?: number
  /** Only requests of this owner (`ownerOf` the caller's API key), and those without one. */
  readonly owner?: string
  /** Where the previous page ended (its `next`). */
  readonly cursor?: string
  readonly limit: number
}

/** One page, and the cursor of the next (null on the last page). */
export interface ListPage {
  readonly requests: readonly StatusRecord[]
  readonly next: string | null
}

/** A query parameter the list refuses: the field, the rule, and what was given. */
export interface ListQueryError {
  readonly field: string
  readonly rule: string
  readonly message: string
}

interface CursorPosition {
  readonly at: number
  readonly id: string
}

/** The opaque cursor after `position`. */
export const encodeCursor = (position: CursorPosition): string => Buffer.from(`${position.at}:${position.id}`).toString("base64url")

/** The position a cursor names, or undefined when it is not one of ours. */
export const decodeCursor = (cursor: string): CursorPosition | undefined => {
  const text = Buffer.from(cursor, "base64url").toString()
  const match = /^(\d{1,15}):(.{1,200})$/.exec(text)
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined
  return { at: Number(match[1]), id: match[2] }
}

const fail = (name: string, rule: string, explanation: string, got: string): ListQueryError => {
  const field = `query.${name}`
  return { field, rule, message: `${field}: ${explanation}; got ${JSON.stringify(got)}` }
}

// `since` as epoch milliseconds or an ISO 8601 date-time.
const parseSince = (text: string): number | undefined => {
  if (/^\d{1,15}$/.test(text)) return Number(text)
  if (!/^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text)) return undefined
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

const isStatus = (s: string): s is RequestStatus => (listableStatuses as readonly string[]).includes(s)

/** Reads the list's query parameters; `get` returns a parameter's value or undefined. */
export const parseListQuery = (get: (name: string) => string | undefined): ListQuery | ListQueryError => {
  const status = get("status")
  const sender = get("sender")
  const chain = get("chain")
  const since = get("since")
  const cursor = get("cursor")
  const limitText = get("limit") ?? String(listLimits.defaultLimit)
  if (status !== undefined && !isStatus(status)) return fail("status", `one of ${listableStatuses.join(", ")}`, `must be one of ${listableStatuses.join(", ")}`, status)
  if (sender !== undefined && !/^[\x21-\x7e]{1,128}$/.test(sender)) return fail("sender", "1 to 128 printable characters", "must be an address or account name, 1 to 128 printable characters", sender)
  if (chain !== undefined && chain !== "bitcoin" && chain !== "ethereum") return fail("chain", "bitcoin or ethereum", "must be bitcoin or ethereum", chain)
  const sinceMs = since === undefined ? undefined : parseSince(since)
  if (since !== undefined && sinceMs === undefined) return fail("since", "epoch ms or ISO 8601", "must be epoch milliseconds or an ISO 8601 date-time such as 2026-12-05T08:00:00Z", since)
  if (cursor !== undefined && decodeCursor(cursor) === undefined) return fail("cursor", "a page's next cursor", "must be the `next` of an earlier page, unchanged", cursor)
  const limit = /^[1-9][0-9]{0,5}$/.test(limitText) ? Number(limitText) : 0
  if (limit < 1 || limit > listLimits.maxLimit) return fail("limit", `1 to ${listLimits.maxLimit}`, `must be a whole number from 1 to ${listLimits.maxLimit}`, limitText)
  return {
    limit,
    ...(status === undefined ? {} : { status }),
    // Ethereum addresses are stored lower-case (the executor's sender key); accounts as written.
    ...(sender === undefined ? {} : { sender: /^0x[0-9a-fA-F]{40}$/.test(sender) ? sender.toLowerCase() : sender }),
    ...(chain === undefined ? {} : { chain }),
    ...(sinceMs === undefined ? {} : { since: sinceMs }),
    ...(cursor === undefined ? {} : { cursor }),
  }
}

/** True when `parseListQuery` refused the query. */
export const isListQueryError = (q: ListQuery | ListQueryError): q is ListQueryError => "field" in q

