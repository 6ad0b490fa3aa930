/**
 * `POST /v1/requests`: one request, validated, keyed by chain and sender, published to
 * Kafka, and answered 202 only after the ack. With an Idempotency-Key, a repeat of an
 * accepted request answers 200 with its current status and publishes nothing.
 */
import type { Context } from "hono"
import type { QueuedRequest } from "../../domain/request.ts"
import { bodyHash, idempotentId, randomId } from "../../intake/request-id.ts"
import { validateSingle } from "../../intake/validate-request.ts"
import type { ValidationContext } from "../../intake/validation-context.ts"
import { presentedApiKey } from "./api-key.ts"
import type { IntakeDeps } from "./intake-deps.ts"
import { errorResponse, invalidRequest, unavailable } from "./intake-errors.ts"
import type { IntakeMetrics } from "./intake-metrics.ts"
import { publishInChunks } from "./publish-chunks.ts"
import { readJsonBody } from "./read-body.ts"
import { admissionError, idempotencyKeyOf, keyReused } from "./submission-gate.ts"

/** The status URL of a request. */
export const requestStatusUrl = (id: string): string => `/v1/requests/${id}`

/** Builds the handler. */
export const submitRequest = (deps: IntakeDeps, ctx: ValidationContext, metrics: IntakeMetrics) => async (c: Context): Promise<Response> => {
  const started = performance.now()
  const closed = admissionError(deps, metrics)
  if (closed) return errorResponse(closed)
  const idempotency = idempotencyKeyOf(c.req.raw.headers)
  if (!idempotency.ok) return errorResponse(idempotency.error)
  const read = await readJsonBody(c.req.raw, deps.limits.maxBodyBytes)
  if (!read.ok) return errorResponse(read.error)
  const valid = validateSingle(read.value, ctx)
  if (!valid.ok) return errorResponse(invalidRequest(valid.errors))

  const { body, sender } = valid.value
  const hash = bodyHash(body)
  const key = idempotency.key
  const id = key === undefined ? (deps.newId ?? randomId)() : idempotentId(presentedApiKey(c.req.raw.headers) ?? "", key)
  if (key !== undefined) {
    const existing = deps.status.get(id)
    if (existing !== undefined) {
      if (existing.body_hash !== undefined && existing.body_hash !== hash) return errorResponse(keyReused(key, id, `request ${id}`))
      return c.json({ id, status: existing.status, status_url: requestStatusUrl(id), replayed: true }, 200)
    }
  }

  const queued: QueuedRequest = { id, sender, body, accepted_at: (deps.now ?? Date.now)(), body_hash: hash }
  const published = await publishInChunks(deps.publish, [queued], 1)
  if (!published.ok) {
    const retry = deps.limits.retryAfterS
    const advice = key === undefined ? "; send an Idempotency-Key header so a retry can never run twice" : " with the same Idempotency-Key"
    return errorResponse(unavailable("kafka_unavailable", `Kafka is unavailable, so the request was NOT accepted; retry after ${retry} s${advice}`, retry))
  }
  metrics.itemsAccepted.inc({ chain: body.chain })
  metrics.acceptSeconds.observe((performance.now() - started) / 1000, { route: "/v1/requests" })
  return c.json({ id, status: "accepted", status_url: requestStatusUrl(id) }, 202)
}
