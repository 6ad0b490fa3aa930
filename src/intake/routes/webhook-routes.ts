/**
 * `POST /v1/webhooks`, `GET /v1/webhooks`, `GET /v1/webhooks/{id}`,
 * `DELETE /v1/webhooks/{id}`, `POST /v1/webhooks/{id}/secret` (rotation),
 * `GET /v1/webhooks/{id}/deliveries?state=parked` and
 * `POST /v1/webhooks/{id}/deliveries/redeliver`.
 *
 * Webhooks belong to the API key that registered them (by its owner id, never the key):
 * another key's webhook answers 404, exactly like one that does not exist. The secret is
 * answered once, in the 201 (or the rotation's 200); a lost or leaked secret is replaced
 * by a rotation, which keeps the old one signing beside the new for a while. A registration is answered only after Kafka acked it, and a body that fails
 * validation writes nothing.
 */
import { randomBytes, randomUUID } from "node:crypto"
import type { Context, MiddlewareHandler } from "hono"
import { describeOutcome } from "../../adapters/webhook-http.ts"
import { signedHeaders } from "../../domain/webhook-signature.ts"
import { maxRedeliverPerCall, validateRedeliver, validateSecretRotation, validateWebhookRequest } from "../validate/validate-webhook.ts"
import { encodeWebhook, type ParkedDelivery, parkedKey, signingSecrets, type Webhook, webhookKey } from "../../webhooks/registration.ts"
import { presentedOwner } from "../api-key.ts"
import { errorResponse, intakeError, invalidRequest, unavailable } from "../intake-errors.ts"
import type { IntakeLimits } from "../intake-deps.ts"
import { readJsonBody } from "../read-body.ts"
import type { WebhookDeps } from "../webhook-deps.ts"

/** A webhook as GET answers it: everything but its secrets, and how many deliveries are parked. */
const publicView = (w: Webhook, parked: number) => ({
  id: w.id,
  url: w.url,
  events: w.events,
  created_at: w.created_at,
  ...(w.rotated_at === undefined ? {} : { rotated_at: w.rotated_at }),
  ...(w.previous_secret_until === undefined ? {} : { previous_secret_until: w.previous_secret_until }),
  parked,
})

const newWebhookId = (): string => `wh_${randomUUID().replaceAll("-", "")}`
const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString("base64url")}`

const notFound = (id: string) =>
  errorResponse(intakeError(404, "not_found", `no webhook with id ${JSON.stringify(id)} is registered for this API key; GET /v1/webhooks lists this key's webhooks`))

/** The webhook `id` if the presenting key owns it. */
const ownedWebhook = (deps: WebhookDeps, c: Context): Webhook | undefined => {
  const found = deps.book.get(c.req.param("id") ?? "")
  return found !== undefined && found.owner === presentedOwner(c.req.raw.headers) ? found : undefined
}

/** Writes with the accept deadline: Kafka's ack within it, or a 503 saying what is known. */
const writeWithin = async (deps: WebhookDeps, limits: IntakeLimits, records: Parameters<WebhookDeps["write"]>[0], what: string): Promise<Response | undefined> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<"late">((resolve) => { timer = setTimeout(() => resolve("late"), limits.acceptTimeoutMs) })
  try {
    const outcome = await Promise.race([deps.write(records).then(() => "acked" as const), deadline])
    if (outcome === "acked") return undefined
    return errorResponse(unavailable("kafka_ambiguous", `Kafka did not confirm the ${what} within ${limits.acceptTimeoutMs} ms, so it may or may not have been recorded; check with GET /v1/webhooks after ${limits.retryAfterS} s`, limits.retryAfterS))
  } catch {
    return errorResponse(unavailable("kafka_unavailable", `Kafka refused the ${what}, so it was not recorded; retry after ${limits.retryAfterS} s`, limits.retryAfterS))
  } finally {
    clearTimeout(timer)
  }
}

/** Answers 503 while the host's webhook book has not yet read the topic once (a list or the per-key limit would be wrong). */
export const webhooksReady = (deps: WebhookDeps, limits: IntakeLimits): MiddlewareHandler => async (c, next) => {
  if (deps.ready !== undefined && !deps.ready()) {
    return errorResponse(unavailable("not_ready", `this intake is still reading the webhook registrations; retry after ${limits.retryAfterS} s`, limits.retryAfterS))
  }
  await next()
  return undefined
}

/** Builds the `POST /v1/webhooks` handler. */
export const registerWebhook = (deps: WebhookDeps, limits: IntakeLimits, now: () => number) => async (c: Context): Promise<Response> => {
  const read = await readJsonBody(c.req.raw, Math.min(limits.maxBodyBytes, 65_536))
  if (!read.ok) return errorResponse(read.error)
  const valid = validateWebhookRequest(read.value)
  if (!valid.ok) return errorResponse(invalidRequest(valid.errors))
  const owner = presentedOwner(c.req.raw.headers)
  const mine = deps.book.ofOwner(owner)
  if (mine.length >= deps.maxPerKey) {
    return errorResponse(intakeError(422, "webhook_limit", `this API key has ${mine.length} webhooks, the most one key may register ([webhooks].max_per_key = ${deps.maxPerKey}); DELETE /v1/webhooks/{id} one it no longer needs`, { limit: deps.maxPerKey }))
  }
  const webhook: Webhook = { id: (deps.newId ?? newWebhookId)(), owner, url: valid.value.url, events: valid.value.events, secret: (deps.newSecret ?? newWebhookSecret)(), created_at: now() }
  const failed = await writeWithin(deps, limits, [{ key: webhookKey(webhook.id), value: encodeWebhook(webhook) }], "registration")
  if (failed !== undefined) return failed
  deps.applyLocal([{ _tag: "webhook", id: webhook.id, webhook }])
  return c.json({ id: webhook.id, url: webhook.url, events: webhook.events, secret: webhook.secret, created_at: webhook.created_at }, 201, { location: `/v1/webhooks/${webhook.id}` })
}

/**
 * Builds the `POST /v1/webhooks/{id}/secret` handler: a new secret, answered once; the
 * replaced one keeps signing beside it for `keep_previous_s` (a day unless said), so the
 * receiver can switch without refusing a delivery. A second rotation within that time
 * drops the oldest secret. Not idempotent: a client that lost the answer rotates again.
 */
export const rotateSecret = (deps: WebhookDeps, limits: IntakeLimits, now: () => number) => async (c: Context): Promise<Response> => {
  const found = ownedWebhook(deps, c)
  if (found === undefined) return notFound(c.req.param("id") ?? "")
  const read = await readJsonBody(c.req.raw, Math.min(limits.maxBodyBytes, 65_536))
  if (!read.ok) return errorResponse(read.error)
  const valid = validateSecretRotation(read.value)
  if (!valid.ok) return errorResponse(invalidRequest(valid.errors))
  const at = now()
  const { previous_secret: _, previous_secret_until: __, ...rest } = found
  const rotated: Webhook = {
    ...rest,
    secret: (deps.newSecret ?? newWebhookSecret)(),
    rotated_at: at,
    ...(valid.value.keepPreviousS > 0 ? { previous_secret: found.secret, previous_secret_until: at + valid.value.keepPreviousS * 1000 } : {}),
  }
  const failed = await writeWithin(deps, limits, [{ key: webhookKey(found.id), value: encodeWebhook(rotated) }], "rotation")
  if (failed !== undefined) return failed
  deps.applyLocal([{ _tag: "webhook", id: rotated.id, webhook: rotated }])
  return c.json({ id: rotated.id, secret: rotated.secret, rotated_at: at, previous_secret_until: rotated.previous_secret_until ?? null }, 200)
}

/** Builds the `GET /v1/webhooks` handler. */
export const listWebhooks = (deps: WebhookDeps) => (c: Context): Response =>
  c.json({ webhooks: deps.book.ofOwner(presentedOwner(c.req.raw.headers)).map((w) => publicView(w, deps.book.parkedOf(w.id).length)) }, 200)

/** Builds the `GET /v1/webhooks/{id}` handler. */
export const getWebhook = (deps: WebhookDeps) => (c: Context): Response => {
  const found = ownedWebhook(deps, c)
  return found === undefined ? notFound(c.req.param("id") ?? "") : c.json(publicView(found, deps.book.parkedOf(found.id).length), 200)
}

/** Builds the `DELETE /v1/webhooks/{id}` handler: tombstones for the registration and its parked deliveries. */
export const deleteWebhook = (deps: WebhookDeps, limits: IntakeLimits) => async (c: Context): Promise<Response> => {
  const found = ownedWebhook(deps, c)
  if (found === undefined) return notFound(c.req.param("id") ?? "")
  const parked = deps.book.parkedOf(found.id)
  const records = [...parked.map((p) => ({ key: parkedKey(found.id, p.event_id), value: null })), { key: webhookKey(found.id), value: null }]
  const failed = await writeWithin(deps, limits, records, "delete")
  if (failed !== undefined) return failed
  deps.applyLocal([
    ...parked.map((p) => ({ _tag: "parked" as const, webhookId: found.id, eventId: p.event_id, parked: undefined })),
    { _tag: "webhook", id: found.id, webhook: undefined },
  ])
  return c.body(null, 204)
}

/** Builds the `GET /v1/webhooks/{id}/deliveries` handler: the parked deliveries (the only state kept). */
export const listDeliveries = (deps: WebhookDeps) => (c: Context): Response => {
  const found = ownedWebhook(deps, c)
  if (found === undefined) return notFound(c.req.param("id") ?? "")
  const state = c.req.query("state") ?? "parked"
  if (state !== "parked") {
    const message = `query.state: only parked deliveries are kept (delivered ones are not); got ${JSON.stringify(state)}`
    return errorResponse(intakeError(400, "invalid_request", message, { field: "query.state", rule: "parked", errors: [{ field: "query.state", rule: "parked", message }] }))
  }
  return c.json({ webhook_id: found.id, state, deliveries: deps.book.parkedOf(found.id) }, 200)
}

/** What became of one parked delivery sent again. */
interface Redelivered {
  readonly event_id: string
  readonly outcome: "delivered" | "still-parked" | "not-parked"
  readonly detail?: string
}

/**
 * Builds the `POST /v1/webhooks/{id}/deliveries/redeliver` handler: once the endpoint is
 * fixed, its parked deliveries (the listed `event_ids`, or the oldest up to
 * `maxRedeliverPerCall`) are sent again from this intake, one at a time, oldest first,
 * signed as the notifier signs. A delivered one's parked record is tombstoned (after
 * Kafka's ack), a failed one stays parked; the answer lists each. At least once, as
 * every delivery: a receiver that got one already sees its event id again.
 */
export const redeliverParked = (deps: WebhookDeps, limits: IntakeLimits, now: () => number) => async (c: Context): Promise<Response> => {
  const found = ownedWebhook(deps, c)
  if (found === undefined) return notFound(c.req.param("id") ?? "")
  const post = deps.post
  if (post === undefined) return errorResponse(unavailable("not_ready", "this intake cannot send deliveries; send the call to another intake", limits.retryAfterS))
  const read = await readJsonBody(c.req.raw, Math.min(limits.maxBodyBytes, 65_536))
  if (!read.ok) return errorResponse(read.error)
  const valid = validateRedeliver(read.value)
  if (!valid.ok) return errorResponse(invalidRequest(valid.errors))
  const parked = deps.book.parkedOf(found.id)
  const byId = new Map(parked.map((p) => [p.event_id, p]))
  const asked = valid.value.eventIds ?? parked.slice(0, maxRedeliverPerCall).map((p) => p.event_id)
  const results: Redelivered[] = []
  for (const eventId of asked) {
    const delivery: ParkedDelivery | undefined = byId.get(eventId)
    if (delivery === undefined) {
      results.push({ event_id: eventId, outcome: "not-parked", detail: "no parked delivery of this webhook has this event id (delivered, deleted, or never parked)" })
      continue
    }
    const body = JSON.stringify(delivery.event)
    const webhook = deps.book.get(found.id) ?? found
    const headers = signedHeaders({ webhookId: webhook.id, eventId, secrets: signingSecrets(webhook, now()), body, nowS: Math.floor(now() / 1000) })
    const outcome = await post({ url: webhook.url, headers, body, timeoutMs: deps.deliveryTimeoutMs ?? 10_000 })
    if (outcome._tag !== "delivered") {
      results.push({ event_id: eventId, outcome: "still-parked", detail: describeOutcome(outcome) })
      continue
    }
    try {
      await deps.write([{ key: parkedKey(found.id, eventId), value: null }])
      deps.applyLocal([{ _tag: "parked", webhookId: found.id, eventId, parked: undefined }])
      results.push({ event_id: eventId, outcome: "delivered" })
    } catch {
      results.push({ event_id: eventId, outcome: "delivered", detail: "delivered, but Kafka did not take the record that unparks it: it is still listed as parked; redelivering it again sends it once more" })
    }
  }
  const delivered = results.filter((r) => r.outcome === "delivered").length
  return c.json({ webhook_id: found.id, delivered, still_parked: deps.book.parkedOf(found.id).length, results }, 200)
}
