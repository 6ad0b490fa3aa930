/**
 * Runs the deliveries: one queue per webhook, at most `maxInFlightPerEndpoint` attempts
 * in flight to one endpoint and `maxInFlight` over all of them, and a failed attempt
 * waits out its backoff off the queue (holding no slot). So a stalled or failing endpoint
 * slows only its own deliveries: the others' go on, and only the commit of the records
 * it holds waits (see commit-position.ts). An endpoint holds at most
 * `maxPendingPerEndpoint` unfinished deliveries; its further events are parked at once
 * (visible, never silently lost), so one endpoint down for hours cannot fill the
 * notifier's `maxPending` and stop the fetch for everyone. Order between events to one endpoint is not
 * kept; a receiver orders by the record's `rev` and `at`, and de-duplicates by event id.
 *
 * Each attempt looks the webhook up again, so a deleted webhook's deliveries are dropped
 * and a delivery signs with the secret as it is now. A delivery that has failed for
 * `retry_for_s` is parked: written to the webhooks topic (retried until Kafka acks, so
 * it is never lost between "given up" and "visible") and only then finished.
 */
import { signedHeaders } from "../../domain/webhook-signature.ts"
import { type AttemptOutcome, describeOutcome } from "../../adapters/webhook-http.ts"
import type { WebhookSettings } from "../../config/gateway-config.ts"
import { commitRetryDelayMs, webhookRetryDelayMs } from "../../runtime/schedules.ts"
import type { WebhookEvent } from "../../webhooks/event-body.ts"
import { type ParkedDelivery, signingSecrets, type Webhook } from "../../webhooks/registration.ts"
import type { WebhookBook } from "../../webhooks/webhook-book.ts"
import type { NotifierMetrics } from "./events.ts"
import { afterFailure } from "./retry-decision.ts"

/** One event to post to one webhook. */
export interface Delivery {
  readonly webhookId: string
  readonly event: WebhookEvent
  /** The JSON posted: fixed once, so every attempt signs the same bytes. */
  readonly body: string
  /** Epoch ms when the record was read. */
  readonly readAt: number
}

/** How a delivery ended. */
export type DeliveryEnd = "delivered" | "parked" | "dropped"

/** What the dispatcher is built from. */
export interface DispatcherDeps {
  readonly settings: WebhookSettings
  readonly book: WebhookBook
  readonly post: (args: { readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: string; readonly timeoutMs: number; readonly stop: AbortSignal }) => Promise<AttemptOutcome>
  /** Writes a parked delivery to the webhooks topic; resolves after acks=all. */
  readonly park: (parked: ParkedDelivery) => Promise<void>
  readonly metrics: NotifierMetrics
  readonly onAttemptFailed: (webhook: Webhook, delivery: Delivery, outcome: AttemptOutcome, attempts: number) => void
  readonly onParked: (parked: ParkedDelivery) => void
  readonly onParkWriteFailed: (delivery: Delivery, cause: unknown) => void
  readonly now?: () => number
}

/** The running dispatcher. */
export interface Dispatcher {
  /** Queues one delivery; `done` is called once, when it is delivered, parked or dropped. */
  readonly enqueue: (delivery: Delivery, done: (end: DeliveryEnd) => void) => void
  /** Aborts attempts in flight and cancels waiting retries; nothing more finishes. */
  readonly stop: () => void
}

interface Job {
  readonly delivery: Delivery
  readonly done: (end: DeliveryEnd) => void
  attempts: number
  firstAt: number | undefined
}

interface Lane {
  readonly ready: Job[]
  inFlight: number
}

/** Starts an idle dispatcher. */
export const makeDispatcher = (deps: DispatcherDeps): Dispatcher => {
  const now = deps.now ?? Date.now
  const lanes = new Map<string, Lane>()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  /** Unfinished deliveries per webhook: queued, in flight, waiting to retry or being parked. */
  const held = new Map<string, number>()
  const stopping = new AbortController()
  let inFlight = 0

  const laneOf = (webhookId: string): Lane => {
    const found = lanes.get(webhookId)
    if (found !== undefined) return found
    const made: Lane = { ready: [], inFlight: 0 }
    lanes.set(webhookId, made)
    return made
  }

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (!stopping.signal.aborted) run()
    }, Math.max(0, ms))
    timers.add(timer)
  }

  const finish = (job: Job, end: DeliveryEnd) => {
    const id = job.delivery.webhookId
    const left = (held.get(id) ?? 1) - 1
    if (left <= 0) held.delete(id)
    else held.set(id, left)
    deps.metrics.deliveries.inc({ outcome: end })
    if (end === "delivered") deps.metrics.latency.observe((now() - job.delivery.readAt) / 1000)
    job.done(end)
  }

  const parkUntilWritten = (job: Job, webhook: Webhook, lastError: string, attempt = 0): void => {
    const parked: ParkedDelivery = {
      webhook_id: webhook.id,
      owner: webhook.owner,
      event_id: job.delivery.event.id,
      url: webhook.url,
      attempts: job.attempts,
      first_attempt_at: job.firstAt ?? now(),
      parked_at: now(),
      last_error: lastError,
      event: job.delivery.event,
    }
    deps.park(parked).then(
      () => {
        deps.onParked(parked)
        finish(job, "parked")
      },
      (cause: unknown) => {
        if (stopping.signal.aborted) return
        deps.onParkWriteFailed(job.delivery, cause)
        later(commitRetryDelayMs(attempt), () => parkUntilWritten(job, webhook, lastError, attempt + 1))
      },
    )
  }

  const attempt = async (job: Job): Promise<void> => {
    const webhook = deps.book.get(job.delivery.webhookId)
    if (webhook === undefined) return finish(job, "dropped")
    job.firstAt ??= now()
    job.attempts += 1
    const body = job.delivery.body
    const headers = signedHeaders({ webhookId: webhook.id, eventId: job.delivery.event.id, secrets: signingSecrets(webhook, now()), body, nowS: Math.floor(now() / 1000) })
    const outcome = await deps.post({ url: webhook.url, headers, body, timeoutMs: deps.settings.timeoutMs, stop: stopping.signal })
    if (stopping.signal.aborted) return
    deps.metrics.attempts.inc({ result: outcome._tag })
    if (outcome._tag === "delivered") return finish(job, "delivered")
    deps.onAttemptFailed(webhook, job.delivery, outcome, job.attempts)
    const next = afterFailure({ firstAt: job.firstAt, attempts: job.attempts, now: now(), retryForMs: deps.settings.retryForMs, delayMs: webhookRetryDelayMs })
    if (next._tag === "park") return parkUntilWritten(job, webhook, describeOutcome(outcome))
    later(next.at - now(), () => {
      laneOf(job.delivery.webhookId).ready.push(job)
      pump()
    })
  }

  const pump = (): void => {
    let started = true
    // Round robin over the lanes, one attempt each per turn, until nothing more may start.
    while (started && inFlight < deps.settings.maxInFlight) {
      started = false
      for (const [id, lane] of lanes) {
        if (inFlight >= deps.settings.maxInFlight) break
        if (lane.inFlight >= deps.settings.maxInFlightPerEndpoint) continue
        const job = lane.ready.shift()
        if (job === undefined) {
          if (lane.inFlight === 0) lanes.delete(id)
          continue
        }
        started = true
        inFlight += 1
        lane.inFlight += 1
        // A lane with an attempt in flight stays in the map, so `lane` is still the one there.
        void attempt(job)
          // A bug in an attempt must not lose the delivery (its record's commit would wait for good): try it again later.
          .catch(() => later(1_000, () => {
            laneOf(job.delivery.webhookId).ready.push(job)
            pump()
          }))
          .finally(() => {
          inFlight -= 1
          lane.inFlight -= 1
          if (!stopping.signal.aborted) pump()
        })
      }
    }
  }

  return {
    enqueue: (delivery, done) => {
      if (stopping.signal.aborted) return
      const job: Job = { delivery, done, attempts: 0, firstAt: undefined }
      const holding = held.get(delivery.webhookId) ?? 0
      held.set(delivery.webhookId, holding + 1)
      const webhook = deps.book.get(delivery.webhookId)
      if (webhook !== undefined && holding >= deps.settings.maxPendingPerEndpoint) {
        return parkUntilWritten(job, webhook, `not attempted: the endpoint already held ${holding} unfinished deliveries ([webhooks].max_pending_per_endpoint)`)
      }
      laneOf(delivery.webhookId).ready.push(job)
      pump()
    },
    stop: () => {
      stopping.abort()
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
    },
  }
}
