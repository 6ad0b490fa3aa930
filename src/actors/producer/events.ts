/** What the producer actor reports: its event names and metrics, declared once. */
import type { MetricsRegistry } from "../../observability/metrics.ts"

/** Event names this actor logs. */
export const producerEvents = {
  topicsCreated: "producer.topics-created",
  listening: "producer.listening",
  /** `[intake].api_keys_env` names no key: every /v1 request is refused with 401. */
  noApiKeys: "producer.no-api-keys",
  /** A produce round trip to `sendto` failed; the publisher sends it again. At most one line per 5 s. */
  sendFailed: "producer.send-failed",
} as const

/** The metrics this actor keeps. */
export const producerMetrics = (metrics: MetricsRegistry) => ({
  kafkaBrokers: metrics.gauge("gateway_kafka_brokers", "Brokers the cluster reported at the producer's last connect."),
  sendFailures: metrics.counter("gateway_producer_send_failures_total", "Produce round trips to sendto that failed (each is sent again until acked)."),
})
