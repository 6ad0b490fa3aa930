/**
 * The three topics of the brief, derived from `[kafka.topics]`: requests keyed by
 * `<chain>:<sender>`, results keyed by request id (compacted, so the latest status of
 * each request is kept), and the dead-letter queue.
 */
import type { TopicSpec } from "../adapters/kafka.ts"
import type { GatewayConfig } from "../config/gateway-config.ts"

/** The topic specs every actor that reads or writes them ensures on start. */
export const gatewayTopics = (config: GatewayConfig): readonly TopicSpec[] => {
  const t = config.kafka.topics
  const base = { partitions: t.partitions, replicationFactor: t.replication_factor, minInsyncReplicas: t.min_insync_replicas }
  return [
    { name: t.requests, ...base },
    { name: t.results, ...base, compacted: true },
    { name: t.dlq, ...base },
  ]
}
