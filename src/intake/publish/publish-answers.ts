/**
 * The 503s a submission gets when Kafka did not ack it, worded by what is known. Not
 * sent (withdrawn before the send, or refused before it): "NOT accepted", and a retry is
 * simply safe. Handed to Kafka without an ack (the deadline passed, or Kafka failed it
 * after the send): "may have been accepted" (`kafka_ambiguous`), never "not accepted",
 * with the ids to look up and what makes a retry safe (the same Idempotency-Key).
 */
import type { QueuedRequest } from "../../domain/request.ts"
import { unavailable, type IntakeError } from "../intake-errors.ts"
import type { PublishVerdict } from "./publish-run.ts"
import { requestStatusUrl } from "../status-urls.ts"

/** A verdict that is not `acked`. */
export type FailedVerdict = Exclude<PublishVerdict, { readonly _tag: "acked" }>

/** The 503 for one request (`POST /v1/requests`). */
export const requestFailed = (verdict: FailedVerdict, id: string, key: string | undefined, retryAfterS: number): IntakeError => {
  const retry = retryAfterS
  if (verdict._tag === "not-sent") {
    const advice = key === undefined ? "; send an Idempotency-Key header so a retry can never run twice" : " with the same Idempotency-Key"
    return unavailable("kafka_unavailable", `Kafka did not take the request in time, so it was NOT accepted (nothing was sent); retry after ${retry} s${advice}`, retry, { id })
  }
  const url = requestStatusUrl(id)
  const next = key === undefined
    ? `it may run once: its id is ${id}; look it up at ${url} before sending it again (a resend without an Idempotency-Key is a new request and may run twice), and send an Idempotency-Key next time so a retry is always safe`
    : `retry after ${retry} s with the same Idempotency-Key: a retry never runs it twice, and answers its status once Kafka has it`
  return unavailable("kafka_ambiguous", `Kafka did not confirm the request (${verdict.why}), so it may have been accepted; ${next}`, retry, { id, status_url: url })
}

/** The 503 for a batch (`POST /v1/batches`); `sent` are the requests this call published (all, or those the view had not seen). */
export const batchFailed = (verdict: FailedVerdict, batch: { readonly id: string; readonly total: number; readonly statusUrl: string }, sent: readonly QueuedRequest[], key: string | undefined, retryAfterS: number): IntakeError => {
  const retry = retryAfterS
  const queued = sent.slice(0, verdict.acked).map((r) => r.id)
  const unsure = verdict._tag === "ambiguous" ? sent.slice(verdict.acked, verdict.acked + verdict.unsure).map((r) => r.id) : []
  const notSent = sent.length - queued.length - unsure.length
  const ids = { batch_id: batch.id, status_url: batch.statusUrl, queued: queued.length, ...(queued.length > 0 ? { queued_ids: queued } : {}) }
  const queuedPart = queued.length === 0 ? "none of its requests were queued" : `${queued.length} of its ${batch.total} requests were queued before the failure and will run (ids in queued_ids)`
  if (verdict._tag === "not-sent") {
    const advice = key === undefined
      ? queued.length === 0 ? "; send an Idempotency-Key header so a retry can never run twice" : "; resend only the requests not in queued_ids, with an Idempotency-Key"
      : " with the same Idempotency-Key: queued requests keep their ids and are not run twice"
    return unavailable("kafka_unavailable", `Kafka did not take the batch in time, so it was NOT accepted: ${queuedPart}, the other ${notSent} were not sent; retry after ${retry} s${advice}`, retry, { ...ids, not_sent: notSent })
  }
  const next = key === undefined
    ? "look the requests in ambiguous_ids up at /v1/requests/{id} and resend only those neither queued nor found, with an Idempotency-Key (a resend without one is new and may run twice)"
    : `retry after ${retry} s with the same Idempotency-Key: queued and possibly accepted requests keep their ids and never run twice`
  return unavailable(
    "kafka_ambiguous",
    `Kafka did not confirm the batch (${verdict.why}): ${queuedPart}, ${unsure.length} may have been accepted (ambiguous_ids), ${notSent} were not sent; ${next}`,
    retry,
    { ...ids, ambiguous_ids: unsure, not_sent: notSent },
  )
}
