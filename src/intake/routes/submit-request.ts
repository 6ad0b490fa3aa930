/**
 * `POST /v1/requests`: one request, validated, keyed by chain and sender, published to
 * Kafka, and answered 202 only after the ack. With an Idempotency-Key, a repeat of an
 * accepted request answers 200 with its current status and publishes nothing, and
 * repeats that arrive while the first is still being published wait for it (one copy
 * reaches Kafka). Kafka not acking within the accept deadline is answered by what is
 * known: not sent ("NOT accepted") or handed over ("may have been accepted").
 */
import type { Context } from "hono"
import type { QueuedRequest } from "../../domain/request.ts"
import { bodyHash, idempotentId, randomId } from "../request-id.ts"
import { validateSingle } from "../validate/validate-request.ts"
import type { ValidationContext } from "../validate/validation-context.ts"
import { presentedApiKey, presentedOwner } from "../api-key.ts"
import type { InFlight } from "../publish/in-flight.ts"
import type { IntakeDeps } from "../intake-deps.ts"
import { errorResponse, invalidRequest } from "../intake-errors.ts"
import type { IntakeMetrics } from "../intake-metrics.ts"
import { requestFailed } from "../publish/publish-answers.ts"
import { type PublishRun, startPublishRun, verdictWithin } from "../publish/publish-run.ts"
import { chargeOrRefuse } from "../rate-gate.ts"
import { requestStatusUrl } from "../status-urls.ts"
import { admitSubmission, keyReused } from "../submission-gate.ts"

export { requestStatusUrl } from "../status-urls.ts"

/** Builds the handler; `inFlight` holds the publishes of this intake that have not settled. */
export const submitRequest = (deps: IntakeDeps, ctx: ValidationContext, metrics: IntakeMetrics, inFlight: InFlight<PublishRun>) => async (c: Context): Promise<Response> => {
  const started = performance.now()
  const admitted = await admitSubmission(deps, metrics, c.req.raw)
  if (!admitted.ok) return errorResponse(admitted.error)
  const valid = validateSingle(admitted.body, ctx)
  if (!valid.ok) return errorResponse(invalidRequest(valid.errors))

  const { body, sender } = valid.value
  const hash = bodyHash(body)
  const key = admitted.key
  const id = key === undefined ? (deps.newId ?? randomId)() : idempotentId(presentedApiKey(c.req.raw.headers) ?? "", key)
  const replay = () => c.json({ id, status: deps.status.get(id)?.status ?? "accepted", status_url: requestStatusUrl(id), replayed: true }, 200)
  if (key !== undefined) {
    const existing = deps.status.get(id)
    if (existing !== undefined) {
      if (existing.body_hash !== undefined && existing.body_hash !== hash) return errorResponse(keyReused(key, id, `request ${id}`))
      return replay()
    }
  }

  const limited = chargeOrRefuse(deps.rateLimit, c, 1, "request")
  if (limited) return limited
  const queued: QueuedRequest = { id, sender, body, accepted_at: (deps.now ?? Date.now)(), body_hash: hash, owner: presentedOwner(c.req.raw.headers) }
  const claim = inFlight.claim(id, `request:${hash}`, () => startPublishRun(deps.publish, [queued], 1))
  if (claim._tag === "conflict") return errorResponse(keyReused(key ?? "", id, `request ${id}, still being published,`))
  const verdict = await verdictWithin(claim.run, deps.limits.acceptTimeoutMs, claim._tag === "owner")
  if (verdict._tag !== "acked") return errorResponse(requestFailed(verdict, id, key, deps.limits.retryAfterS))
  if (claim._tag === "joined") return replay()
  metrics.itemsAccepted.inc({ chain: body.chain })
  metrics.acceptSeconds.observe((performance.now() - started) / 1000, { route: "/v1/requests" })
  return c.json({ id, status: "accepted", status_url: requestStatusUrl(id) }, 202)
}
