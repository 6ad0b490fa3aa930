/**
 * `GET /v1/requests/{id}`, `GET /v1/requests` and `GET /v1/batches/{id}`: read from this
 * host's status store (fed from `sendto.results`). A request answers its latest record and
 * its transitions; the list pages through requests by status, sender, chain and time; a
 * batch answers counts per status and one page of ids, since a 10,000-item airdrop's ids
 * would otherwise be re-sent on every poll.
 */
import type { Context } from "hono"
import { cancelRecordId } from "../../domain/status-record.ts"
import type { RequestStatus, StatusRecord } from "../../domain/status.ts"
import { isListQueryError, listLimits, parseListQuery } from "../../status/list-query.ts"
import { statusOrder, type StatusStore } from "../../status/store.ts"
import { presentedOwner } from "../api-key.ts"
import { errorResponse, intakeError } from "../intake-errors.ts"
import { batchStatusUrl } from "../status-urls.ts"

/** Page sizes for a batch's ids. */
export const batchPageLimits = { defaultLimit: 1000, maxLimit: 10_000 } as const

const notFoundHint = "a request accepted moments ago appears once its first status reaches this intake's view, so retry in a second"

/**
 * True when the caller may see `record`: it is the caller's (same owner), or it was
 * written before records named their owner. Another key's request answers as unknown,
 * so a key cannot learn which ids exist.
 */
export const visibleTo = (record: StatusRecord, owner: string): boolean => record.owner === undefined || record.owner === owner

/** Builds the `GET /v1/requests/{id}` handler. */
export const getRequestStatus = (status: StatusStore) => (c: Context): Response => {
  const id = c.req.param("id") ?? ""
  const found = status.get(id)
  const record = found !== undefined && visibleTo(found, presentedOwner(c.req.raw.headers)) ? found : undefined
  if (record === undefined) {
    return errorResponse(intakeError(404, "not_found", `no request with id ${JSON.stringify(id)} is known; ids come from the 202 of POST /v1/requests or /v1/batches, and ${notFoundHint}`))
  }
  const cancel = status.get(cancelRecordId(id))
  return c.json({ ...record, id, history: status.history(id), ...(cancel === undefined ? {} : { cancel_requested_at: new Date(cancel.at).toISOString() }) }, 200)
}

/** Builds the `GET /v1/requests` handler: one page of requests, oldest first, and the next page's URL. */
export const listRequests = (status: StatusStore) => (c: Context): Response => {
  const query = parseListQuery((name) => c.req.query(name))
  if (isListQueryError(query)) {
    return errorResponse(intakeError(400, "invalid_request", query.message, { field: query.field, rule: query.rule, errors: [query] }))
  }
  const page = status.list({ ...query, owner: presentedOwner(c.req.raw.headers) })
  const next = new URLSearchParams()
  for (const [name, value] of new URL(c.req.url).searchParams) if (name !== "cursor") next.set(name, value)
  if (page.next !== null) next.set("cursor", page.next)
  return c.json(
    {
      requests: page.requests,
      page: {
        returned: page.requests.length,
        limit: query.limit,
        next: page.next === null ? null : `/v1/requests?${next.toString()}`,
        note: `requests are ordered by when this host first saw them, ${query.limit} per page (at most ${listLimits.maxLimit}, via ?limit=); follow page.next for the rest`,
      },
    },
    200,
  )
}

type Query = { readonly ok: true; readonly offset: number; readonly limit: number; readonly status?: RequestStatus } | { readonly ok: false; readonly response: Response }

const queryError = (name: string, rule: string, explanation: string, got: string): { readonly ok: false; readonly response: Response } => {
  const field = `query.${name}`
  const message = `${field}: ${explanation}; got ${JSON.stringify(got)}`
  return { ok: false, response: errorResponse(intakeError(400, "invalid_request", message, { field, rule, errors: [{ field, rule, message }] })) }
}

const isStatus = (s: string): s is RequestStatus => (statusOrder as readonly string[]).includes(s)

const parseQuery = (c: Context): Query => {
  const offsetText = c.req.query("offset") ?? "0"
  const limitText = c.req.query("limit") ?? String(batchPageLimits.defaultLimit)
  const statusText = c.req.query("status")
  if (!/^(0|[1-9][0-9]{0,8})$/.test(offsetText)) return queryError("offset", "integer >= 0", "must be a whole number, 0 or more", offsetText)
  const limit = /^[1-9][0-9]{0,5}$/.test(limitText) ? Number(limitText) : 0
  if (limit < 1 || limit > batchPageLimits.maxLimit) {
    return queryError("limit", `1 to ${batchPageLimits.maxLimit}`, `must be a whole number from 1 to ${batchPageLimits.maxLimit}`, limitText)
  }
  if (statusText !== undefined && !isStatus(statusText)) return queryError("status", `one of ${statusOrder.join(", ")}`, `must be one of ${statusOrder.join(", ")}`, statusText)
  return { ok: true, offset: Number(offsetText), limit, ...(statusText === undefined ? {} : { status: statusText }) }
}

/** Builds the `GET /v1/batches/{id}` handler. */
export const getBatchStatus = (status: StatusStore) => (c: Context): Response => {
  const batchId = c.req.param("id") ?? ""
  const query = parseQuery(c)
  if (!query.ok) return query.response
  const { ok: _, ...page } = query
  const found = status.batch(batchId, page)
  // A batch is one key's: its first request says whose.
  const first = found?.ids[0] === undefined ? undefined : status.get(found.ids[0])
  const batch = found !== undefined && (first === undefined || visibleTo(first, presentedOwner(c.req.raw.headers))) ? found : undefined
  if (batch === undefined) {
    return errorResponse(intakeError(404, "not_found", `no batch with id ${JSON.stringify(batchId)} is known; batch ids come from the 202 of POST /v1/batches, and ${notFoundHint}`))
  }
  const listed = page.status === undefined ? batch.total : batch.counts[page.status]
  const nextOffset = page.offset + batch.ids.length
  const filter = page.status === undefined ? "" : `&status=${page.status}`
  return c.json(
    {
      batch_id: batch.batch_id,
      total: batch.total,
      counts: batch.counts,
      ids: batch.ids,
      page: {
        offset: page.offset,
        limit: page.limit,
        ...(page.status === undefined ? {} : { status: page.status }),
        returned: batch.ids.length,
        of: listed,
        next: nextOffset < listed ? `${batchStatusUrl(batchId)}?offset=${nextOffset}&limit=${page.limit}${filter}` : null,
        note: `ids are ordered by id and listed ${page.limit} per page (at most ${batchPageLimits.maxLimit}, via ?limit=); follow page.next for the rest, or add ?status= to list one status`,
      },
    },
    200,
  )
}
