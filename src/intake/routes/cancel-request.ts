/**
 * `DELETE /v1/requests/{id}`: the client cancels a request. What can be cancelled
 * depends on how far it got, as this host's status store knows it:
 *
 * - accepted (not signed yet): a `cancel` record goes to the results topic; the executor
 *   that owns the request skips it, recording `cancelled`, if the record reaches it
 *   before it signs; otherwise the next case applies;
 * - an Ethereum transaction signed but not mined: the executor replaces it at its nonce
 *   with a zero-value self-transfer with higher fees, best effort; the final status says
 *   which was mined (`cancelled`, or `confirmed` with the reason "mined before its
 *   replacement");
 * - a Bitcoin transaction signed or broadcast cannot be called back: 409;
 * - a final request: 409.
 *
 * 202 means the cancel is recorded (acks=all), not that it took: follow the status. A
 * repeat answers the same 202 and writes nothing.
 */
import type { Context } from "hono"
import { cancelRecordId, cancelRequestRecord } from "../../domain/status-record.ts"
import { isFinal } from "../../domain/status.ts"
import type { IntakeDeps } from "../intake-deps.ts"
import { errorResponse, intakeError, unavailable } from "../intake-errors.ts"
import { presentedOwner } from "../api-key.ts"
import { chargeOrRefuse } from "../rate-gate.ts"
import { visibleTo } from "./status-routes.ts"
import { requestStatusUrl } from "../status-urls.ts"

/** What the 202 says about what happens next, per chain and status. */
const nextStep = (chain: "bitcoin" | "ethereum", status: string): string =>
  status === "accepted" || status === "intent"
    ? "the executor skips it if the cancel reaches it before it is signed; otherwise (ethereum) it replaces the transaction at its nonce; follow status_url until it is cancelled or confirmed"
    : chain === "ethereum"
      ? "the executor replaces the signed transaction with a zero-value self-transfer at the same nonce and higher fees; whichever is mined first decides: follow status_url until it is cancelled or confirmed"
      : "follow status_url"

/** Builds the handler. */
export const cancelRequest = (deps: IntakeDeps) => async (c: Context): Promise<Response> => {
  const id = c.req.param("id") ?? ""
  const found = deps.status.get(id)
  const record = found !== undefined && visibleTo(found, presentedOwner(c.req.raw.headers)) ? found : undefined
  if (record === undefined || (record.kind !== undefined && record.kind !== "request")) {
    return errorResponse(intakeError(404, "not_found", `no request with id ${JSON.stringify(id)} is known on this intake; ids come from the 202 of POST /v1/requests or /v1/batches, and a request accepted moments ago appears once its first status reaches this intake's view`))
  }
  const url = requestStatusUrl(id)
  if (isFinal(record.status)) {
    return errorResponse(intakeError(409, "not_cancellable", `request ${id} is already ${record.status}; there is nothing left to cancel`, { id, status: record.status, status_url: url }))
  }
  if (record.chain === "bitcoin" && record.status !== "accepted" && record.status !== "intent") {
    return errorResponse(intakeError(409, "not_cancellable", `request ${id} is a Bitcoin payment already ${record.status}${record.txid === undefined ? "" : ` in transaction ${record.txid}`}; a Bitcoin transaction, once signed and broadcast, cannot be called back`, { id, status: record.status, status_url: url }))
  }
  const accepted = (requestedAt: number, replayed: boolean) =>
    c.json({ id, status: record.status, cancel: "requested", cancel_requested_at: new Date(requestedAt).toISOString(), next: nextStep(record.chain, record.status), status_url: url, ...(replayed ? { replayed: true } : {}) }, 202)
  const earlier = deps.status.get(cancelRecordId(id))
  if (earlier !== undefined) return accepted(earlier.at, true)
  const limited = chargeOrRefuse(deps.rateLimit, c, 1, "request")
  if (limited) return limited
  const cancel = cancelRequestRecord(record, (deps.now ?? Date.now)())
  // The publisher sends until acked; the answer waits at most the accept deadline.
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), deps.limits.acceptTimeoutMs)
  })
  const outcome = await Promise.race([deps.requestCancel(cancel).then(() => "recorded" as const, () => "refused" as const), deadline]).finally(() => clearTimeout(timer))
  if (outcome === "refused") {
    return errorResponse(unavailable("kafka_unavailable", `the cancel of ${id} could not be recorded: Kafka refused it; nothing changed, retry the DELETE`, deps.limits.retryAfterS))
  }
  if (outcome === "late") {
    return errorResponse(unavailable("kafka_ambiguous", `the cancel of ${id} was handed to Kafka but not acknowledged within ${deps.limits.acceptTimeoutMs} ms; it may have been recorded: repeat the DELETE (a repeat is harmless)`, deps.limits.retryAfterS))
  }
  return accepted(cancel.at, false)
}
