/**
 * `POST /v1/webhooks`, `GET /v1/webhooks`, `GET /v1/webhooks/{id}`,
 * `DELETE /v1/webhooks/{id}` and `GET /v1/webhooks/{id}/deliveries?state=parked`.
 *
 * Webhooks belong to the API key that registered them (by its owner id, never the key):
 * another key's webhook answers 404, exactly like one that does not exist. The secret is
 * answered once, in the 201; a lost secret means registering again and deleting the old
 * one. A registration is answered only after Kafka acked it, and a body that fails
 * validation writes nothing.
 */
import { randomBytes, randomUUID } from "node:crypto"
import type { Context, MiddlewareHandler } from "hono"
import { validateWebhookRequest } from "../validate/validate-webhook.ts"
import { encodeWebhook, parkedKey, type Webhook, webhookKey } from "../../webhooks/registration.ts"
import { presentedOwner } from "../api-key.ts"
import { errorResponse, intakeError, invalidRequest, unavailable } from "../intake-errors.ts"
import type { IntakeLimits } from "../intake-deps.ts"
import { readJsonBody } from "../read-body.ts"
import type { WebhookDeps } from "../webhook-deps.ts"

/** A webhook as GET answers it: everything but the secret, and how many deliveries are parked. */
const publicView = (w: Webhook, parked: number) => ({ id: w.id, url: w.url, events: w.events, created_at: w.created_at, parked })

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
