/**
 * The topics, derived from `[kafka.topics]`: the brief's three (requests keyed by
 * `<chain>:<sender>`, results keyed by request id and compacted, so the latest status of
 * each request is kept, and the dead-letter queue), and the webhooks topic: registrations
 * and parked deliveries, compacted, so it holds the live ones and a delete is a tombstone.
 */
import type { TopicSpec } from "../adapters/kafka.ts"
import type { GatewayConfig } from "../config/gateway-config.ts"
import { CONFIG_DEFAULTS } from "../config/defaults.ts"

/** `[kafka.topics].webhooks`, or its default. */
export const webhooksTopicOf = (config: GatewayConfig): string => config.kafka.topics.webhooks ?? CONFIG_DEFAULTS["kafka.topics.webhooks"].value

/** The topic specs every actor that reads or writes them ensures on start. */
export const gatewayTopics = (config: GatewayConfig): readonly TopicSpec[] => {
  const t = config.kafka.topics
  const base = { partitions: t.partitions, replicationFactor: t.replication_factor, minInsyncReplicas: t.min_insync_replicas }
  return [
    { name: t.requests, ...base },
    { name: t.results, ...base, compacted: true },
    { name: t.dlq, ...base },
    // Small: a few registrations per key and the parked deliveries; one partition keeps them in write order.
    { name: webhooksTopicOf(config), ...base, partitions: 1, compacted: true },
  ]
}
