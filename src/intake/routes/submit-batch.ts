/**
 * `POST /v1/batches`: up to `maxBatchItems` requests (an airdrop, a payroll), validated
 * all or nothing, published in order in chunks, and answered 202 only when every chunk
 * was acked. With an Idempotency-Key the batch id and each item id are derived, so a
 * retried batch maps onto the same ids and only items the view has not seen are sent;
 * a repeat that arrives while the batch is still being published waits for it. Kafka
 * not acking within the accept deadline is answered per request: queued, possibly
 * accepted, or not sent.
 */
import type { Context } from "hono"
import type { QueuedRequest } from "../../domain/request.ts"
import { batchItemId, bodyHash, idempotentId, randomId } from "../request-id.ts"
import { validateBatch } from "../validate/validate-request.ts"
import type { ValidationContext } from "../validate/validation-context.ts"
import { presentedApiKey, presentedOwner } from "../api-key.ts"
import type { InFlight } from "../publish/in-flight.ts"
import type { IntakeDeps } from "../intake-deps.ts"
import { errorResponse, invalidBatch } from "../intake-errors.ts"
import type { IntakeMetrics } from "../intake-metrics.ts"
import { batchFailed } from "../publish/publish-answers.ts"
import { type PublishRun, startPublishRun, verdictWithin } from "../publish/publish-run.ts"
import { chargeOrRefuse } from "../rate-gate.ts"
import { batchStatusUrl } from "../status-urls.ts"
import { admitSubmission, keyReused } from "../submission-gate.ts"

export { batchStatusUrl } from "../status-urls.ts"

const countOf = (value: unknown): number => {
  const items = typeof value === "object" && value !== null && "requests" in value ? value.requests : undefined
  return Array.isArray(items) ? items.length : 0
}

/** Builds the handler; `inFlight` holds the publishes of this intake that have not settled. */
export const submitBatch = (deps: IntakeDeps, ctx: ValidationContext, metrics: IntakeMetrics, inFlight: InFlight<PublishRun>) => async (c: Context): Promise<Response> => {
  const started = performance.now()
  const admitted = await admitSubmission(deps, metrics, c.req.raw)
  if (!admitted.ok) return errorResponse(admitted.error)
  const valid = validateBatch(admitted.body, ctx, deps.limits.maxBatchItems)
  if (!valid.ok) return errorResponse(invalidBatch(valid.errors, countOf(admitted.body)))

  const key = admitted.key
  const newId = deps.newId ?? randomId
  const batchId = key === undefined ? newId() : idempotentId(presentedApiKey(c.req.raw.headers) ?? "", key)
  const acceptedAt = (deps.now ?? Date.now)()
  const owner = presentedOwner(c.req.raw.headers)
  const all: QueuedRequest[] = valid.value.map(({ body, sender }, i) => ({
    id: key === undefined ? newId() : batchItemId(batchId, i),
    sender,
    body,
    accepted_at: acceptedAt,
    batch_id: batchId,
    body_hash: bodyHash(body),
    owner,
  }))
  const ids = all.map((r) => r.id)
  const accepted = { batch_id: batchId, count: all.length, ids, status_url: batchStatusUrl(batchId) }

  let toPublish = all
  if (key !== undefined) {
    const known = deps.status.batch(batchId, { offset: 0, limit: 0 })
    if (known !== undefined && known.total > all.length) return errorResponse(keyReused(key, batchId, `batch ${batchId} (${known.total} requests)`))
    const seen = all.map((r) => deps.status.get(r.id))
    const changed = all.findIndex((r, i) => {
      const hash = seen[i]?.body_hash
      return hash !== undefined && hash !== r.body_hash
    })
    if (changed >= 0) return errorResponse(keyReused(key, batchId, `batch ${batchId} (requests[${changed}] differs)`))
    toPublish = all.filter((_, i) => seen[i] === undefined)
    if (toPublish.length === 0) return c.json({ ...accepted, replayed: true }, 200)
  }

  const limited = chargeOrRefuse(deps.rateLimit, c, toPublish.length, "requests")
  if (limited) return limited

  // The whole batch's bodies, in order: a repeat in flight must carry exactly these.
  const fingerprint = `batch:${all.map((r) => r.body_hash).join(",")}`
  const claim = inFlight.claim(batchId, fingerprint, () => startPublishRun(deps.publish, toPublish, deps.limits.publishChunk))
  if (claim._tag === "conflict") return errorResponse(keyReused(key ?? "", batchId, `batch ${batchId}, still being published,`))
  const verdict = await verdictWithin(claim.run, deps.limits.acceptTimeoutMs, claim._tag === "owner")
  if (verdict._tag !== "acked") {
    return errorResponse(batchFailed(verdict, { id: batchId, total: all.length, statusUrl: batchStatusUrl(batchId) }, claim.run.requests, key, deps.limits.retryAfterS))
  }
  if (claim._tag === "joined") return c.json({ ...accepted, replayed: true }, 200)
  const perChain = new Map<string, number>()
  for (const r of toPublish) perChain.set(r.body.chain, (perChain.get(r.body.chain) ?? 0) + 1)
  for (const [chain, n] of perChain) metrics.itemsAccepted.inc({ chain }, n)
  metrics.acceptSeconds.observe((performance.now() - started) / 1000, { route: "/v1/batches" })
  return c.json(accepted, 202)
}
