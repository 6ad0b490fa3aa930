/**
 * The sample service's metrics, declared once: request counts by route and code, and
 * how long a submission took from arrival to its reply (which includes the etcd append
 * and the local apply).
 */
import type { MetricsRegistry } from "../../../observability/metrics.ts"

/** The service's metric handles. */
export const serviceMetrics = (metrics: MetricsRegistry) => ({
  requests: metrics.counter("gateway_service_requests_total", "HTTP requests answered by the replicated sample service, by method, route and status code."),
  submitSeconds: metrics.histogram("gateway_service_submit_seconds", "Time from a POST /v1/numbers arrival to its 200 (append to etcd and apply here)."),
  inFlight: metrics.gauge("gateway_service_submits_in_flight", "Submissions waiting for their entry to be applied."),
  forwarded: metrics.counter("gateway_service_forwarded_total", "Submissions a follower relayed to the leader (Gateway-Forward: leader), by outcome: answered, timeout, unreachable, or superseded (left unanswered for a newly elected leader)."),
})

/** The handles `serviceMetrics` returns. */
export type ServiceMetrics = ReturnType<typeof serviceMetrics>
