/** What the notifier reports: its event names and metrics, declared once. */
import { type MetricsRegistry } from "../../observability/metrics.ts"

/** Event names this actor logs. */
export const notifierEvents = {
  started: "notifier.started",
  /** An attempt failed; at most one line per webhook per 10 s. */
  attemptFailed: "notifier.attempt-failed",
  parked: "notifier.parked",
  parkWriteFailed: "notifier.park-write-failed",
  commitFailed: "notifier.commit-failed",
  unreadable: "notifier.unreadable-record",
  /** Pending deliveries reached `[webhooks].max_pending`: the fetch waits. */
  full: "notifier.full",
} as const

/** Delivery latency buckets in seconds: from 10 ms to the hours a retried delivery can take. */
const deliveryBuckets: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400]

/** The metrics this actor keeps. */
export const notifierMetrics = (metrics: MetricsRegistry) => ({
  deliveries: metrics.counter("gateway_webhook_deliveries_total", "Webhook deliveries finished, by outcome: delivered, parked (failed for [webhooks].retry_for_s) or dropped (the webhook was deleted)."),
  attempts: metrics.counter("gateway_webhook_attempts_total", "Webhook delivery attempts, by result: delivered, http-error, timeout, unreachable."),
  pending: metrics.gauge("gateway_webhook_pending", "Webhook deliveries not finished (queued, in flight or waiting to retry) on this host."),
  latency: metrics.histogram("gateway_webhook_delivery_seconds", "From a status change's record being read to its delivery's 2xx, retries included.", deliveryBuckets),
})

/** The notifier's metrics, typed. */
export type NotifierMetrics = ReturnType<typeof notifierMetrics>
