/**
 * The intake's client SDK (paper A's user side): send requests and batches, read their
 * status, list them, wait for an outcome, and check a webhook's signature.
 *
 * Every send carries an Idempotency-Key (a fresh UUID unless the caller names one), and
 * every retry of that send reuses it, so a retry after a timeout or a 503 can never put
 * a second copy of the payment into `sendto`: the intake answers the first request's id.
 * Because the id of a keyed request is derived from the API key and the key, the client
 * knows it before the first answer, and hands it back even when it gives up, so the
 * caller can look the request up instead of guessing whether it was lost.
 *
 * Failures the intake or the network can cause are answered as data (`Refused`,
 * `Unavailable`), never thrown; a thrown error is a bug or a bad option.
 */
import { randomUUID } from "node:crypto"
import type { RequestBody } from "../../domain/request.ts"
import type { RequestStatus, StatusRecord } from "../../domain/status.ts"
import { isFinal } from "../../domain/status.ts"
import { isWebhookRejection, type VerifiedWebhook, verifyWebhook, type WebhookRejection } from "../../domain/webhook-signature.ts"
import { idempotentId, isValidIdempotencyKey } from "../../intake/request-id.ts"
import type { Transition } from "../../status/store.ts"
import { intakeClientRetryDelayMs } from "../../runtime/schedules.ts"
import { readVerdict, type Refused, type Unavailable } from "./intake-answer.ts"

export type { FieldProblem, Refused, Unavailable } from "./intake-answer.ts"

/** How to reach the intake, and how patient to be. */
export interface GatewayClientOptions {
  /** The intake's base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string
  /** One of the intake's API keys (`GATEWAY_API_KEYS` on the gateway). */
  readonly apiKey: string
  /** How long one HTTP attempt may take. Default 10 s. */
  readonly attemptTimeoutMs?: number
  /** How long a call keeps retrying 503, 429, 5xx and no answer. Default 30 s; 0 makes one attempt. */
  readonly retryForMs?: number
  /** The secret `POST /v1/webhooks` returned, for `verifyWebhook`. */
  readonly webhookSecret?: string
  /** Told of each retry: which attempt failed, why, and how long the client waits. */
  readonly onRetry?: (retry: { readonly attempt: number; readonly reason: string; readonly delayMs: number }) => void
  /** For tests: another fetch, clock, sleep or key source. */
  readonly fetch?: (input: string, init: RequestInit) => Promise<Response>
  readonly now?: () => number
  readonly sleep?: (ms: number) => Promise<void>
  readonly newIdempotencyKey?: () => string
}

/** A request the intake accepted (202), or already had under this key (200, `replayed`). */
export interface Accepted {
  readonly ok: true
  readonly _tag: "Accepted"
  readonly id: string
  readonly status: RequestStatus
  readonly statusUrl: string
  readonly replayed: boolean
  readonly idempotencyKey: string
  readonly attempts: number
}

/** A batch the intake accepted whole, or already had under this key. */
export interface BatchAccepted {
  readonly ok: true
  readonly _tag: "BatchAccepted"
  readonly batchId: string
  readonly ids: ReadonlyArray<string>
  readonly statusUrl: string
  readonly replayed: boolean
  readonly idempotencyKey: string
  readonly attempts: number
}

/** Gave up; `id` (or `batchId`) is what the request has if an attempt did get in. */
export type SendUnavailable = Unavailable & { readonly id: string; readonly idempotencyKey: string }
export type BatchUnavailable = Unavailable & { readonly batchId: string; readonly idempotencyKey: string }

/** What `send` answers. */
export type SendResult = Accepted | Refused | SendUnavailable
/** What `sendBatch` answers. */
export type BatchResult = BatchAccepted | Refused | BatchUnavailable

/** A request's latest record and its transitions, as `GET /v1/requests/{id}` answers. */
export type RequestView = StatusRecord & { readonly history: ReadonlyArray<Transition> }

/** What `status` answers. */
export type StatusResult =
  | { readonly ok: true; readonly _tag: "Found"; readonly request: RequestView }
  | { readonly ok: false; readonly _tag: "NotFound"; readonly id: string; readonly message: string }
  | Refused
  | Unavailable

/** A batch's counts per status and its ids, as `GET /v1/batches/{id}` answers (first page). */
export interface BatchView {
  readonly batch_id: string
  readonly total: number
  readonly counts: Readonly<Record<RequestStatus, number>>
  readonly ids: ReadonlyArray<string>
}

/** What `batch` answers. */
export type BatchStatusResult =
  | { readonly ok: true; readonly _tag: "Found"; readonly batch: BatchView }
  | { readonly ok: false; readonly _tag: "NotFound"; readonly id: string; readonly message: string }
  | Refused
  | Unavailable

/** What `cancel` answers: recorded (follow the status), refused for how far it got, unknown, or no answer. */
export type CancelResult =
  | { readonly ok: true; readonly _tag: "CancelRequested"; readonly id: string; readonly status: RequestStatus; readonly next: string; readonly replayed: boolean }
  | { readonly ok: false; readonly _tag: "NotCancellable"; readonly id: string; readonly status: RequestStatus; readonly message: string }
  | { readonly ok: false; readonly _tag: "NotFound"; readonly id: string; readonly message: string }
  | Refused
  | Unavailable

/** A webhook as the intake shows it; `secret` only in the answer that registered it. */
export interface WebhookView {
  readonly id: string
  readonly url: string
  readonly events: ReadonlyArray<RequestStatus>
  readonly created_at: number
  readonly secret?: string
  readonly parked?: number
  /** Epoch ms of the last secret rotation, if any. */
  readonly rotated_at?: number
  /** Epoch ms until which the replaced secret still signs, if one does. */
  readonly previous_secret_until?: number
}

/** What a secret rotation answers: the new secret, shown only here. */
export interface RotatedSecret {
  readonly id: string
  readonly secret: string
  readonly rotated_at: number
  /** Until when the replaced secret still signs beside the new one; null when it stopped at once. */
  readonly previous_secret_until: number | null
}

/** What the webhook calls answer. */
export type WebhookResult<A> = { readonly ok: true; readonly _tag: "Done"; readonly value: A } | { readonly ok: false; readonly _tag: "NotFound"; readonly message: string } | Refused | Unavailable

/** What `waitFor` answers: reached, final elsewhere, or still going at the deadline. */
export type WaitResult =
  | { readonly ok: true; readonly _tag: "Reached"; readonly request: RequestView }
  | { readonly ok: false; readonly _tag: "EndedElsewhere"; readonly request: RequestView }
  | { readonly ok: false; readonly _tag: "TimedOut"; readonly id: string; readonly last: RequestView | undefined; readonly waitedMs: number }
  | Refused

/** Filters of `GET /v1/requests`. `since` is a Date, epoch ms or an ISO 8601 string. */
export interface ListFilters {
  readonly status?: RequestStatus
  readonly sender?: string
  readonly chain?: "bitcoin" | "ethereum"
  readonly since?: Date | number | string
  readonly limit?: number
}

/** One page of `GET /v1/requests`. */
export type ListResult =
  | { readonly ok: true; readonly _tag: "Page"; readonly requests: ReadonlyArray<StatusRecord>; readonly next: string | null }
  | Refused
  | Unavailable

/** Per-call options of the sends. */
export interface SendOptions {
  /** Names the request: the same key and body always mean the same request. Default: a fresh UUID. */
  readonly idempotencyKey?: string
}

/** The client. */
export interface GatewayClient {
  /** Sends one request; retried under one Idempotency-Key until accepted, refused or `retryForMs` passes. */
  readonly send: (body: RequestBody, options?: SendOptions) => Promise<SendResult>
  /** Sends up to `[intake].max_batch_items` requests as one all-or-nothing batch. */
  readonly sendBatch: (bodies: ReadonlyArray<RequestBody>, options?: SendOptions) => Promise<BatchResult>
  /** Reads a request's status and history. A request accepted by another host may be NotFound for a moment. */
  readonly status: (id: string) => Promise<StatusResult>
  /**
   * Asks to cancel a request (`DELETE /v1/requests/{id}`): skipped if not yet signed; an
   * Ethereum transaction signed but not mined is replaced at its nonce, best effort.
   * Follow it with `waitFor(id, "final")`: it ends `cancelled`, or `confirmed` if the
   * transfer was mined first. A repeat is harmless.
   */
  readonly cancel: (id: string) => Promise<CancelResult>
  /** Reads a batch's counts per status (and its first ids). */
  readonly batch: (batchId: string) => Promise<BatchStatusResult>
  /** One page of requests matching `filters`; pass the page's `next` to get the following one. */
  readonly listPage: (filters?: ListFilters, next?: string) => Promise<ListResult>
  /** Every request matching `filters`, page after page, oldest first. Stops at the first failed page. */
  readonly list: (filters?: ListFilters) => AsyncGenerator<StatusRecord, Refused | Unavailable | undefined>
  /**
   * Polls until the request is in `target` (or past it: `submitted` is reached by a
   * confirmed request), or is final in another status, or `timeoutMs` passes.
   * `"final"` waits for confirmed, failed or dlq.
   */
  readonly waitFor: (id: string, target: RequestStatus | "final", options?: { readonly timeoutMs?: number; readonly pollMs?: number }) => Promise<WaitResult>
  /**
   * This key's webhooks (`POST/GET/DELETE /v1/webhooks`). `register` answers the secret,
   * once: keep it for `verifyWebhook`. A registration is not idempotent, so `register`
   * retries only answers that say nothing was written (429, 503, no connection); after a
   * timeout it gives up, and `list` tells whether it was registered. `rotateSecret`
   * answers a new secret and keeps the old one signing beside it for `keepPreviousS`
   * (the intake's default is a day); it is not idempotent either and retries the same way.
   */
  readonly webhooks: {
    readonly register: (args: { readonly url: string; readonly events: ReadonlyArray<RequestStatus> }) => Promise<WebhookResult<WebhookView>>
    readonly list: () => Promise<WebhookResult<ReadonlyArray<WebhookView>>>
    readonly remove: (id: string) => Promise<WebhookResult<true>>
    readonly rotateSecret: (id: string, options?: { readonly keepPreviousS?: number }) => Promise<WebhookResult<RotatedSecret>>
  }
  /** The id a request sent under `idempotencyKey` with this API key has, on any host. */
  readonly idFor: (idempotencyKey: string) => string
  /** Checks a webhook delivery: pass the headers and the raw body text, before parsing it. */
  readonly verifyWebhook: (headers: Headers | Readonly<Record<string, string | undefined>>, rawBody: string, secret?: string) => VerifiedWebhook | WebhookRejection
}

/** Defaults of the options, in one place for the help text and the docs. */
export const GATEWAY_CLIENT_DEFAULTS = { attemptTimeoutMs: 10_000, retryForMs: 30_000, waitTimeoutMs: 120_000, pollMs: 500 } as const

/** An option the client cannot work with: a bug in the caller, so it is thrown. */
export class InvalidGatewayClientOptions extends Error {
  override readonly name = "InvalidGatewayClientOptions"
}

/** Where a status has got to, for "reached or past": accepted < signed < submitted < confirmed. */
const progress: Readonly<Record<RequestStatus, number>> = { accepted: 0, intent: 1, signed: 2, submitted: 3, confirmed: 4, failed: 4, dlq: 4, cancelled: 4 }

/** True when a request in `status` has reached `target`. */
export const hasReached = (status: RequestStatus, target: RequestStatus | "final"): boolean => {
  if (target === "final") return isFinal(status)
  if (status === target) return true
  // failed, dlq and cancelled are ends of their own; confirmed is past every non-final status.
  const ends: ReadonlyArray<RequestStatus> = ["failed", "dlq", "cancelled"]
  if (ends.includes(target) || ends.includes(status)) return false
  return progress[status] >= progress[target]
}

const checkOptions = (options: GatewayClientOptions): void => {
  if (!/^https?:\/\/[^\s/]+/.test(options.url) || !URL.canParse(options.url)) {
    throw new InvalidGatewayClientOptions(`url must be the intake's http:// or https:// base URL, e.g. http://127.0.0.1:8080; got ${JSON.stringify(options.url)}`)
  }
  if (options.apiKey.trim() === "") throw new InvalidGatewayClientOptions("apiKey must be one of the intake's API keys (GATEWAY_API_KEYS on the gateway); got an empty string")
  for (const name of ["attemptTimeoutMs", "retryForMs"] as const) {
    const value = options[name]
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) throw new InvalidGatewayClientOptions(`${name} must be a number of milliseconds, 0 or more; got ${value}`)
  }
}

const sinceParam = (since: Date | number | string): string => (since instanceof Date ? since.toISOString() : String(since))

/** Builds the client. It holds no connection, so there is nothing to close. */
export const makeGatewayClient = (options: GatewayClientOptions): GatewayClient => {
  checkOptions(options)
  const base = options.url.replace(/\/+$/, "")
  const attemptTimeoutMs = options.attemptTimeoutMs ?? GATEWAY_CLIENT_DEFAULTS.attemptTimeoutMs
  const retryForMs = options.retryForMs ?? GATEWAY_CLIENT_DEFAULTS.retryForMs
  const doFetch = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init))
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const newKey = options.newIdempotencyKey ?? randomUUID
  const auth = { authorization: `Bearer ${options.apiKey}` }

  /** One call, retried as the verdict table says until done, refused or out of time. */
  const call = async (method: "GET" | "POST" | "DELETE", path: string, body: unknown, headers: Readonly<Record<string, string>>, okStatuses: ReadonlyArray<number> = [], onlyUnwritten = false) => {
    const deadline = now() + retryForMs
    let ambiguous = false
    for (let attempt = 1; ; attempt++) {
      const sentBody = body === undefined ? undefined : JSON.stringify(body)
      const verdict = await doFetch(`${base}${path}`, {
        method,
        headers: { ...auth, ...(sentBody === undefined ? {} : { "content-type": "application/json" }), ...headers },
        ...(sentBody === undefined ? {} : { body: sentBody }),
        signal: AbortSignal.timeout(attemptTimeoutMs),
      }).then(
        async (response) => {
          const text = await response.text()
          let parsed: unknown
          try {
            parsed = text === "" ? (response.status === 204 ? {} : undefined) : JSON.parse(text)
          } catch {
            parsed = undefined
          }
          return readVerdict(response.status, parsed, response.headers.get("retry-after"), now(), okStatuses)
        },
        (cause: unknown) => {
          const timedOut = cause instanceof Error && (cause.name === "TimeoutError" || cause.name === "AbortError")
          const reason = timedOut ? `no answer within ${attemptTimeoutMs} ms` : `no connection to ${base} (${cause instanceof Error ? cause.message : String(cause)})`
          // A write that timed out may have reached Kafka; a refused connection never did.
          return { _tag: "Retry" as const, afterMs: undefined, reason, ambiguous: timedOut && method !== "GET", nothingWritten: !timedOut }
        },
      )
      if (verdict._tag !== "Retry") return { verdict, attempts: attempt }
      ambiguous ||= verdict.ambiguous
      const delayMs = intakeClientRetryDelayMs(attempt, verdict.afterMs)
      // A call that is not idempotent goes again only after an answer that wrote nothing.
      if (now() + delayMs > deadline || (onlyUnwritten && !verdict.nothingWritten)) {
        const gaveUp: Unavailable = { ok: false, _tag: "Unavailable", attempts: attempt, reason: verdict.reason, mayHaveBeenAccepted: ambiguous || (onlyUnwritten && !verdict.nothingWritten) }
        return { verdict: gaveUp, attempts: attempt }
      }
      options.onRetry?.({ attempt, reason: verdict.reason, delayMs })
      await sleep(delayMs)
    }
  }

  const keyOf = (given: string | undefined): string => {
    const key = given ?? newKey()
    if (!isValidIdempotencyKey(key)) throw new InvalidGatewayClientOptions(`idempotencyKey must be 1 to 255 printable ASCII characters; got ${JSON.stringify(key.slice(0, 40))}`)
    return key
  }

  const send = async (body: RequestBody, sendOptions: SendOptions = {}): Promise<SendResult> => {
    const key = keyOf(sendOptions.idempotencyKey)
    const id = idempotentId(options.apiKey, key)
    const { verdict, attempts } = await call("POST", "/v1/requests", body, { "idempotency-key": key })
    if (verdict._tag !== "Done") return verdict._tag === "Unavailable" ? { ...verdict, id, idempotencyKey: key } : verdict
    const answer = verdict.body
    return {
      ok: true,
      _tag: "Accepted",
      id: String(answer.id ?? id),
      status: String(answer.status ?? "accepted") as RequestStatus,
      statusUrl: String(answer.status_url ?? `/v1/requests/${id}`),
      replayed: answer.replayed === true,
      idempotencyKey: key,
      attempts,
    }
  }

  const sendBatch = async (bodies: ReadonlyArray<RequestBody>, sendOptions: SendOptions = {}): Promise<BatchResult> => {
    const key = keyOf(sendOptions.idempotencyKey)
    const batchId = idempotentId(options.apiKey, key)
    const { verdict, attempts } = await call("POST", "/v1/batches", { requests: bodies }, { "idempotency-key": key })
    if (verdict._tag !== "Done") return verdict._tag === "Unavailable" ? { ...verdict, batchId, idempotencyKey: key } : verdict
    const answer = verdict.body
    return {
      ok: true,
      _tag: "BatchAccepted",
      batchId: String(answer.batch_id ?? batchId),
      ids: Array.isArray(answer.ids) ? answer.ids.map(String) : [],
      statusUrl: String(answer.status_url ?? `/v1/batches/${batchId}`),
      replayed: answer.replayed === true,
      idempotencyKey: key,
      attempts,
    }
  }

  const status = async (id: string): Promise<StatusResult> => {
    const { verdict } = await call("GET", `/v1/requests/${encodeURIComponent(id)}`, undefined, {}, [404])
    if (verdict._tag !== "Done") return verdict
    if (verdict.status === 404) return { ok: false, _tag: "NotFound", id, message: String(verdict.body.message ?? `no request ${id}`) }
    return { ok: true, _tag: "Found", request: verdict.body as unknown as RequestView }
  }

  const cancel = async (id: string): Promise<CancelResult> => {
    const { verdict } = await call("DELETE", `/v1/requests/${encodeURIComponent(id)}`, undefined, {}, [404, 409])
    if (verdict._tag !== "Done") return verdict
    const answer = verdict.body
    const message = String(answer.message ?? "")
    if (verdict.status === 404) return { ok: false, _tag: "NotFound", id, message }
    if (verdict.status === 409) return { ok: false, _tag: "NotCancellable", id, status: String(answer.status ?? "") as RequestStatus, message }
    return { ok: true, _tag: "CancelRequested", id, status: String(answer.status ?? "accepted") as RequestStatus, next: String(answer.next ?? ""), replayed: answer.replayed === true }
  }

  const webhooks: GatewayClient["webhooks"] = {
    register: async (args) => {
      const { verdict } = await call("POST", "/v1/webhooks", { url: args.url, events: args.events }, {}, [], true)
      return verdict._tag === "Done" ? { ok: true, _tag: "Done", value: verdict.body as unknown as WebhookView } : verdict
    },
    list: async () => {
      const { verdict } = await call("GET", "/v1/webhooks", undefined, {})
      if (verdict._tag !== "Done") return verdict
      return { ok: true, _tag: "Done", value: Array.isArray(verdict.body.webhooks) ? (verdict.body.webhooks as ReadonlyArray<WebhookView>) : [] }
    },
    remove: async (id) => {
      const { verdict } = await call("DELETE", `/v1/webhooks/${encodeURIComponent(id)}`, undefined, {}, [404])
      if (verdict._tag !== "Done") return verdict
      return verdict.status === 404 ? { ok: false, _tag: "NotFound", message: String(verdict.body.message ?? `no webhook ${id}`) } : { ok: true, _tag: "Done", value: true }
    },
    rotateSecret: async (id, options = {}) => {
      const body = options.keepPreviousS === undefined ? {} : { keep_previous_s: options.keepPreviousS }
      const { verdict } = await call("POST", `/v1/webhooks/${encodeURIComponent(id)}/secret`, body, {}, [404], true)
      if (verdict._tag !== "Done") return verdict
      return verdict.status === 404 ? { ok: false, _tag: "NotFound", message: String(verdict.body.message ?? `no webhook ${id}`) } : { ok: true, _tag: "Done", value: verdict.body as unknown as RotatedSecret }
    },
  }

  const batch = async (batchId: string): Promise<BatchStatusResult> => {
    const { verdict } = await call("GET", `/v1/batches/${encodeURIComponent(batchId)}`, undefined, {}, [404])
    if (verdict._tag !== "Done") return verdict
    if (verdict.status === 404) return { ok: false, _tag: "NotFound", id: batchId, message: String(verdict.body.message ?? `no batch ${batchId}`) }
    return { ok: true, _tag: "Found", batch: verdict.body as unknown as BatchView }
  }

  const listPage = async (filters: ListFilters = {}, next?: string): Promise<ListResult> => {
    const path = next ?? `/v1/requests?${new URLSearchParams(
      Object.entries({ ...filters, since: filters.since === undefined ? undefined : sinceParam(filters.since) })
        .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
        .map(([name, value]) => [name, String(value)]),
    ).toString()}`
    const { verdict } = await call("GET", path, undefined, {})
    if (verdict._tag !== "Done") return verdict
    const page = verdict.body.page as { readonly next?: unknown } | undefined
    const requests = Array.isArray(verdict.body.requests) ? (verdict.body.requests as ReadonlyArray<StatusRecord>) : []
    return { ok: true, _tag: "Page", requests, next: typeof page?.next === "string" ? page.next : null }
  }

  async function* list(filters: ListFilters = {}): AsyncGenerator<StatusRecord, Refused | Unavailable | undefined> {
    let next: string | undefined
    for (;;) {
      const page = await listPage(filters, next)
      if (!page.ok) return page
      yield* page.requests
      if (page.next === null) return undefined
      next = page.next
    }
  }

  const waitFor: GatewayClient["waitFor"] = async (id, target, waitOptions = {}) => {
    const started = now()
    const timeoutMs = waitOptions.timeoutMs ?? GATEWAY_CLIENT_DEFAULTS.waitTimeoutMs
    const pollMs = waitOptions.pollMs ?? GATEWAY_CLIENT_DEFAULTS.pollMs
    let last: RequestView | undefined
    for (;;) {
      const answer = await status(id)
      if (answer._tag === "Refused") return answer
      if (answer._tag === "Found") {
        last = answer.request
        if (hasReached(last.status, target)) return { ok: true, _tag: "Reached", request: last }
        if (isFinal(last.status)) return { ok: false, _tag: "EndedElsewhere", request: last }
      }
      // NotFound (not in this host's view yet) and Unavailable are "not yet": keep polling.
      if (now() - started + pollMs > timeoutMs) return { ok: false, _tag: "TimedOut", id, last, waitedMs: now() - started }
      await sleep(pollMs)
    }
  }

  return {
    send,
    sendBatch,
    status,
    cancel,
    batch,
    listPage,
    list,
    waitFor,
    webhooks,
    idFor: (key) => idempotentId(options.apiKey, key),
    verifyWebhook: (headers, rawBody, secret) => {
      const key = secret ?? options.webhookSecret
      if (key === undefined) throw new InvalidGatewayClientOptions("verifyWebhook needs the webhook's secret: pass it, or set webhookSecret when making the client")
      return verifyWebhook({ secret: key, headers, body: rawBody, nowS: Math.floor(now() / 1000) })
    },
  }
}

export { isWebhookRejection }
