/** What the producer actor reports: its event names and metrics, declared once. */
import type { MetricsRegistry } from "../../observability/metrics.ts"

/** Event names this actor logs. */
export const producerEvents = {
  topicsCreated: "producer.topics-created",
  listening: "producer.listening",
} as const

/** The metrics this actor keeps. */
export const producerMetrics = (metrics: MetricsRegistry) => ({
  kafkaBrokers: metrics.gauge("gateway_kafka_brokers", "Brokers the cluster reported at the producer's last connect."),
})
