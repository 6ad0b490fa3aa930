/**
 * What the node-throttler reports: its event names and its metrics, declared in one
 * place (so a dashboard or a test can rely on them).
 */
import type { MetricsRegistry } from "../../observability/metrics.ts"

/** Event names this actor logs. */
export const nodeThrottlerEvents = {
  connected: "node-throttler.connected",
  probeFailed: "node-throttler.probe-failed",
  breakerChanged: "node-throttler.breaker-changed",
} as const

/** The metrics this actor keeps, labelled by node. */
export const nodeThrottlerMetrics = (metrics: MetricsRegistry) => ({
  inFlight: metrics.gauge("gateway_node_in_flight", "Calls to the node in flight now."),
  peakInFlight: metrics.gauge("gateway_node_in_flight_peak", "Most calls in flight to the node at once since start."),
  breakerOpen: metrics.gauge("gateway_node_breaker_open", "1 while the node's circuit breaker is open."),
  calls: metrics.gauge("gateway_node_calls", "Calls sent to the node since start."),
  requests: metrics.gauge("gateway_node_requests", "Requests sent to the node since start; a JSON-RPC batch is one request carrying several calls."),
  probeLatency: metrics.histogram("gateway_node_probe_seconds", "Latency of health probes to the node."),
  headAge: metrics.gauge("gateway_node_head_age_seconds", "Seconds since the node's chain head last moved, as its health probe sees it (a stalled node holds pending transactions without mining them)."),
})
