/** What the partition consumer reports: its event names and metrics, declared once. */
import type { MetricsRegistry } from "../../observability/metrics.ts"

/** Event names this actor logs. */
export const partitionConsumerEvents = {
  joined: "partition-consumer.joined",
  assigned: "partition-consumer.assigned",
  takenOver: "partition-consumer.taken-over",
  halted: "partition-consumer.halted",
  recordRetrying: "partition-consumer.record-retrying",
  commits: "partition-consumer.commits",
  /** A partition's Kafka transaction has been committing for 30 s (once per transaction): everything the partition does waits on it. */
  commitSlow: "partition-consumer.commit-slow",
} as const

/** The metrics this actor keeps, labelled by partition. */
export const partitionConsumerMetrics = (metrics: MetricsRegistry) => ({
  outcomes: metrics.counter("gateway_consumer_outcomes_total", "Requests handled, by partition and outcome (recorded, retry, dlq)."),
  backlog: metrics.gauge("gateway_partition_backlog", "Messages between the batch being handled and the partition's end."),
  transactions: metrics.counter("gateway_partition_transactions_total", "Kafka transactions committed by partition executors, by partition."),
  recordsCommitted: metrics.counter("gateway_partition_records_committed_total", "Records committed in those transactions, by partition."),
  sendBatches: metrics.counter("gateway_ethereum_send_batches_total", "JSON-RPC batches of two or more raw transactions sent to a node, by node."),
  sendsBatched: metrics.counter("gateway_ethereum_sends_batched_total", "Raw transactions that went to a node in those batches, by node."),
})
