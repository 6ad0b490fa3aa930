/**
 * Real-Kafka helpers for the transactional-writer tests: a cluster handle on the local
 * stack's brokers, topics of a test's own (created, made to refuse writes, deleted), and
 * a read_committed reader that returns what a partition holds up to its last stable
 * offset. Everything goes through the gateway's Kafka adapters.
 */
import { Effect, Result } from "effect"
import { ensureTopics, makeCluster, type KafkaAdmin, type KafkaCluster, type TopicSpec } from "../../src/adapters/kafka.ts"
import { onBatchProcessed } from "../../src/adapters/kafka-transactions.ts"
import type { GatewayConfig } from "../../src/config/gateway-config.ts"
import { loadConfig } from "../../src/config/load-config.ts"
import { repoRoot } from "./gateway-process.ts"

/** config/local.toml, as the gateway reads it. */
export const localConfig = async (): Promise<GatewayConfig> => Result.getOrThrow(await loadConfig(`${repoRoot}/config/local.toml`))

/** A cluster handle on the local brokers, with a client id naming the test. */
export const testCluster = async (clientId: string): Promise<KafkaCluster> => {
  const config = await localConfig()
  return makeCluster({ brokers: config.kafka.brokers, clientId, connectionTimeoutMs: 3000, requestTimeoutMs: 30_000 })
}

/** A connected admin client; the caller disconnects it. */
export const connectedAdmin = async (cluster: KafkaCluster): Promise<KafkaAdmin> => {
  const admin = cluster.client.admin()
  await admin.connect()
  return admin
}

/** Creates topics of `partitions` partitions, replicated on all three brokers, and waits until every broker serves them. */
export const createTopics = async (cluster: KafkaCluster, admin: KafkaAdmin, names: readonly string[], partitions = 1): Promise<void> => {
  const specs: TopicSpec[] = names.map((name) => ({ name, partitions, replicationFactor: 3, minInsyncReplicas: 2 }))
  await Effect.runPromise(ensureTopics(cluster, admin, specs))
  for (const name of names) await untilServed(admin, name)
}

const untilServed = async (admin: KafkaAdmin, topic: string) => {
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.fetchTopicOffsets(topic)
      return
    } catch (error) {
      if (attempt >= 30) throw error
      await Bun.sleep(200)
    }
  }
}

/** kafkajs's ConfigResourceTypes.TOPIC. */
const topicResource = 2

/**
 * Makes `topic` refuse records without a key (INVALID_RECORD: a compacted topic needs
 * keys), or accept them again. Two obvious ways to refuse writes fail here:
 * - raising min.insync.replicas above the broker count refuses nothing on Kafka 3.9.1,
 *   which caps the effective value at the replica count (`Partition.effectiveMinIsr`);
 * - a `max.message.bytes` below any record also refuses the coordinator's commit/abort
 *   markers, which the coordinator treats as fatal ("Received fatal error
 *   RecordTooLargeException while sending txn marker"): the transaction then hangs in
 *   PrepareAbort and its transactional id answers CONCURRENT_TRANSACTIONS for good.
 * Control records carry keys, so markers still land on a compacted topic.
 */
export const refuseKeylessWrites = async (admin: KafkaAdmin, topic: string, refuse: boolean): Promise<void> => {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: topicResource, name: topic, configEntries: [{ name: "cleanup.policy", value: refuse ? "compact" : "delete" }] }],
  })
}

/**
 * Sets `topic`'s max.message.bytes, so a partition's record batch larger than `bytes` is
 * refused (MESSAGE_TOO_LARGE) while smaller ones in the same produce request are written.
 * Only for topics no transaction writes to (see `refuseKeylessWrites`). alterConfigs
 * replaces the topic's other dynamic settings, so min.insync.replicas is set again (to 1:
 * the private broker's topics).
 */
export const limitRecordBatchBytes = async (admin: KafkaAdmin, topic: string, bytes: number): Promise<void> => {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: topicResource, name: topic, configEntries: [{ name: "max.message.bytes", value: String(bytes) }, { name: "min.insync.replicas", value: "1" }] }],
  })
}

/** Deletes the test's topics; failures are ignored (the stack may be going down). */
export const deleteTopics = async (admin: KafkaAdmin, names: readonly string[]): Promise<void> => {
  await admin.deleteTopics({ topics: [...names] }).catch(() => undefined)
}

/** One record read back. */
export interface ReadRecord {
  readonly offset: bigint
  readonly key: string | null
  readonly value: string
}

/**
 * Every record a read_committed reader sees in `topic` partition `partition`, read from
 * the beginning up to the partition's last stable offset at the call.
 */
export const readCommitted = async (cluster: KafkaCluster, admin: KafkaAdmin, topic: string, partition: number): Promise<ReadRecord[]> => {
  const end = BigInt((await admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition)?.high ?? "0")
  if (end === 0n) return []
  const consumer = cluster.client.consumer({ groupId: `${topic}-reader-${crypto.randomUUID().slice(0, 8)}`, maxWaitTimeInMs: 200 })
  const records: ReadRecord[] = []
  let reached: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    reached = resolve
  })
  onBatchProcessed(consumer, (b) => {
    if (b.partition === partition && b.next >= end) reached()
  })
  await consumer.connect()
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.partition !== partition) return
        for (const m of batch.messages) {
          if (BigInt(m.offset) < end) records.push({ offset: BigInt(m.offset), key: m.key?.toString() ?? null, value: m.value?.toString() ?? "" })
        }
      },
    })
    await Promise.race([done, Bun.sleep(30_000).then(() => Promise.reject(new Error(`reading ${topic}/${partition} did not reach offset ${end} in 30 s`)))])
  } finally {
    await consumer.disconnect()
  }
  return records
}

/** The committed offset of `groupId` on `topic` partition `partition` (-1 when none). */
export const groupOffset = async (admin: KafkaAdmin, groupId: string, topic: string, partition: number): Promise<bigint> => {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] })
  return BigInt(entry?.partitions.find((p) => p.partition === partition)?.offset ?? "-1")
}

/** Polls `read` until `accept` holds (commit markers land a few ms after EndTxn returns). */
export const eventually = async <A>(read: () => Promise<A>, accept: (a: A) => boolean, timeoutMs = 10_000): Promise<A> => {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (accept(value) || performance.now() > deadline) return value
    await Bun.sleep(50)
  }
}
