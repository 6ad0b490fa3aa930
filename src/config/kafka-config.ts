/**
 * The `[kafka]` section: where the brokers are, the three topics and how
 * the producer and consumers talk to them. Defaults live in defaults.ts,
 * not here, with every other key's; `gateway config check --effective`
 * shows which of them a file relies on.
 */
import { Schema } from "effect"
import { exactly, HostPortString, intAtLeast, NonEmptyString, nonEmptyListOf, table, TopicName } from "./field-schemas.ts"

/** `[kafka.topics]`: names and durability settings of sendto, sendto.results and sendto.dlq. */
export const KafkaTopicsSchema = table("[kafka.topics]", {
  requests: TopicName,
  results: TopicName,
  dlq: TopicName,
  /** Webhook registrations and parked deliveries, compacted (default sendto.webhooks); see kafka/topics.ts. */
  webhooks: Schema.optionalKey(TopicName),
  partitions: intAtLeast(1),
  replication_factor: intAtLeast(1),
  min_insync_replicas: intAtLeast(1),
})

/** `[kafka.producer]`: acks and idempotence are pinned because "accepted means durable" depends on them. */
export const KafkaProducerSchema = table("[kafka.producer]", {
  acks: exactly("all", "a 202 is sent only after every in-sync replica has the request"),
  /** Not used (see defaults.ts): kept so that files which set it still load. */
  linger_ms: intAtLeast(0),
  max_batch_messages: intAtLeast(1),
  idempotent: exactly(true, "a retried send must not duplicate a request"),
})

/** `[kafka.consumer]`: group membership and how much of a partition runs at once. */
export const KafkaConsumerSchema = table("[kafka.consumer]", {
  group_id: NonEmptyString,
  session_timeout_ms: intAtLeast(1),
  heartbeat_interval_ms: intAtLeast(1),
  max_parallel_keys: intAtLeast(1),
  max_bytes_per_partition: intAtLeast(1),
  /** Messages one partition's executor holds (queued or running) before its fetch waits. */
  max_held_per_partition: intAtLeast(1),
  /** The coordinator aborts a partition's transaction left open longer than this (a frozen executor's). */
  transaction_timeout_ms: intAtLeast(1000),
  /** Least time between the starts of two transactions of one partition's writer; what queues meanwhile rides in the next (group commit under load). 0: back to back. */
  transaction_interval_ms: intAtLeast(0),
  /** The same pause for a partition without a backlog (fewer than 32 messages held and in its last transaction), where the pause is what each payment waits. At most transaction_interval_ms. */
  transaction_interval_light_ms: intAtLeast(0),
})

/** `[kafka]`: the durable queue every accepted request goes through. */
export const KafkaConfigSchema = table("[kafka]", {
  brokers: nonEmptyListOf(HostPortString, "broker addresses (host:port)"),
  client_id: NonEmptyString,
  connection_timeout_ms: intAtLeast(1),
  request_timeout_ms: intAtLeast(1),
  topics: KafkaTopicsSchema,
  producer: KafkaProducerSchema,
  consumer: KafkaConsumerSchema,
})

/** Typed `[kafka]` section, keys exactly as written in the TOML file. */
export type KafkaConfig = typeof KafkaConfigSchema.Type
