/** What the webhook-book actor reports: its event names and metrics, declared once. */
import type { MetricsRegistry } from "../../observability/metrics.ts"

/** Event names this actor logs. */
export const webhookBookEvents = {
  caughtUp: "webhook-book.caught-up",
  unreadable: "webhook-book.unreadable-record",
} as const

/** The metrics this actor keeps. */
export const webhookBookMetrics = (metrics: MetricsRegistry) => ({
  registered: metrics.gauge("gateway_webhooks_registered", "Webhooks registered, over every API key, as this host's book has read them."),
  parked: metrics.gauge("gateway_webhook_parked", "Parked deliveries (failed for [webhooks].retry_for_s), as this host's book has read them."),
})
