/**
 * The gates a submission (one request or a batch) passes before it is validated: the
 * intake is ready (Kafka connected and reachable), the backlog is under the breaker, a
 * given Idempotency-Key is well formed, all checked before the body is read; then the
 * body is read as JSON within the size limit. Shedding load here keeps a burst waiting
 * in the client, not in memory.
 */
import { idempotencyKeyRule, isValidIdempotencyKey } from "./request-id.ts"
import type { IntakeDeps } from "./intake-deps.ts"
import { intakeError, unavailable, type IntakeError } from "./intake-errors.ts"
import type { IntakeMetrics } from "./intake-metrics.ts"
import { readJsonBody } from "./read-body.ts"

/** `undefined` when a submission may proceed; else the 503 to answer. */
export const admissionError = (deps: IntakeDeps, metrics: IntakeMetrics): IntakeError | undefined => {
  const retry = deps.limits.retryAfterS
  if (!deps.ready()) {
    return unavailable("not_ready", `the intake cannot reach Kafka now (not connected yet, unreachable, or shutting down; see /readyz); nothing was accepted; retry after ${retry} s`, retry)
  }
  const backlog = deps.backlog()
  metrics.backlog.set(backlog)
  if (backlog > deps.limits.backlogBreaker) {
    return unavailable(
      "overloaded",
      `${backlog} requests are queued and not yet consumed, above this intake's breaker of ${deps.limits.backlogBreaker}; nothing was accepted; retry after ${retry} s`,
      retry,
      { backlog, backlog_breaker: deps.limits.backlogBreaker },
    )
  }
  return undefined
}

/** The Idempotency-Key header, if sent and valid; or the 400 refusing it. */
export const idempotencyKeyOf = (headers: Headers): { readonly ok: true; readonly key?: string } | { readonly ok: false; readonly error: IntakeError } => {
  const key = headers.get("idempotency-key")
  if (key === null) return { ok: true }
  if (isValidIdempotencyKey(key)) return { ok: true, key }
  const got = key.length === 0 ? "an empty value" : key.length > 255 ? `${key.length} characters` : "a character outside printable ASCII (space to ~)"
  const message = `Idempotency-Key: must be ${idempotencyKeyRule}; got ${got}`
  return { ok: false, error: intakeError(400, "invalid_request", message, { field: "Idempotency-Key", rule: idempotencyKeyRule }) }
}

/** The 422 for an Idempotency-Key already used with another body. */
export const keyReused = (key: string, id: string, where: string): IntakeError =>
  intakeError(
    422,
    "idempotency_key_reused",
    `Idempotency-Key ${JSON.stringify(key)} was already used for ${where} with a different body; use a new key for a new request, or resend the original body unchanged to get its status`,
    { field: "Idempotency-Key", rule: "same key, same body", id },
  )

/** A submission past its gates: its Idempotency-Key, if any, and its body parsed but not yet validated. */
export type Admitted = { readonly ok: true; readonly key: string | undefined; readonly body: unknown } | { readonly ok: false; readonly error: IntakeError }

/** The gates every submission passes in order: admission (ready, under the breaker), a well-formed Idempotency-Key, a JSON body within the size limit. */
export const admitSubmission = async (deps: IntakeDeps, metrics: IntakeMetrics, request: Request): Promise<Admitted> => {
  const closed = admissionError(deps, metrics)
  if (closed) return { ok: false, error: closed }
  const idempotency = idempotencyKeyOf(request.headers)
  if (!idempotency.ok) return idempotency
  const read = await readJsonBody(request, deps.limits.maxBodyBytes)
  if (!read.ok) return read
  return { ok: true, key: idempotency.key, body: read.value }
}
