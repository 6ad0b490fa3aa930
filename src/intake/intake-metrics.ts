/**
 * The intake's metrics, declared once: what a dashboard needs to see the brief's
 * intake targets (rate, accept latency p99) and the backlog breaker.
 */
import type { MetricsRegistry } from "../observability/metrics.ts"

/** The intake's metric handles. */
export const intakeMetrics = (metrics: MetricsRegistry) => ({
  requests: metrics.counter("gateway_intake_requests_total", "HTTP requests answered by the intake, by method, route and status code."),
  acceptSeconds: metrics.histogram(
    "gateway_intake_accept_seconds",
    "Time from a submission's arrival to its 202, which includes the Kafka ack (acks=all), by route.",
  ),
  itemsAccepted: metrics.counter("gateway_intake_items_accepted_total", "Requests accepted (acked by Kafka), by chain; each batch item counts once."),
  backlog: metrics.gauge("gateway_intake_backlog", "Messages in sendto not yet consumed, as the intake last saw it."),
})

/** The handles `intakeMetrics` returns. */
export type IntakeMetrics = ReturnType<typeof intakeMetrics>
