/**
 * The one module that touches kafkajs. It turns kafkajs clients into scoped resources
 * (connected on acquire, disconnected on release) and its promise rejections into
 * `KafkaUnavailable`. Everything else in the gateway talks to Kafka through here.
 */
import { Effect, type Scope } from "effect"
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from "kafkajs"
import { kafkaRetries, topicCreationRetry } from "../runtime/schedules.ts"
import { describe, KafkaUnavailable } from "./errors.ts"
import { worthAnotherAttempt } from "./kafka-transaction-errors.ts"
import { memoisedKeyPartitioner } from "./keyed-partitioner.ts"
import { produceChunks } from "./produce-chunks.ts"

/** How to reach the cluster. */
export interface KafkaOptions {
  readonly brokers: readonly string[]
  readonly clientId: string
  readonly connectionTimeoutMs: number
  readonly requestTimeoutMs: number
}

/** A topic the gateway needs, with the settings it must be created with. */
export interface TopicSpec {
  readonly name: string
  readonly partitions: number
  readonly replicationFactor: number
  readonly minInsyncReplicas: number
  readonly compacted?: boolean
}

/** The gateway's handle on one cluster: kafkajs's client plus the options it was made from. */
export interface KafkaCluster {
  readonly client: Kafka
  readonly options: KafkaOptions
}

/** Builds a client. kafkajs logs nothing itself: the actors log what matters, structured. */
export const makeCluster = (options: KafkaOptions): KafkaCluster => ({
  options,
  client: new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    logLevel: logLevel.NOTHING,
    retry: kafkaRetries.cluster,
  }),
})

const attempt = <A>(cluster: KafkaCluster, operation: string, run: () => Promise<A>) =>
  Effect.tryPromise({
    try: run,
    catch: (cause) => new KafkaUnavailable({ operation, brokers: cluster.options.brokers.join(","), detail: describe(cause) }),
  })

/** A connected admin client, disconnected when the scope closes. */
export const scopedAdmin = (cluster: KafkaCluster): Effect.Effect<Admin, KafkaUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const admin = cluster.client.admin({ retry: kafkaRetries.admin })
      yield* attempt(cluster, "admin.connect", () => admin.connect())
      return admin
    }),
    (admin) => Effect.promise(() => admin.disconnect().catch(() => undefined)),
  )

/**
 * Connects a new producer for `sendto`: acks=all (set per send), no retries inside kafkajs,
 * one request in flight, and no kafkajs idempotence. Rejects with `KafkaUnavailable`. Only
 * `src/kafka/sendto-publisher.ts` makes these; it sends a failed batch again from a new one.
 *
 * Why not kafkajs's idempotent producer: with a broker SIGKILLed under load, kafkajs
 * 2.2.4's idempotent producer (unbounded retries, acks=all) acknowledged records the
 * brokers never wrote — 2 of 240 acknowledged requests were missing from `sendto` in 1 of 3
 * runs of test/scratch, 1 of 240 in test/faults/broker-killed — after its sequence
 * numbers were wound back during an internal retry. Without idempotence a send is acked
 * only when every in-sync replica wrote it; a send that failed may have been written in
 * part, and sending it again may write a request twice, which the partition executor
 * skips by its request id.
 */
export const connectSendtoProducer = async (cluster: KafkaCluster): Promise<Producer> => {
  const producer = cluster.client.producer({
    idempotent: false,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { ...kafkaRetries.cluster, retries: 0 },
    createPartitioner: memoisedKeyPartitioner,
  })
  try {
    await producer.connect()
  } catch (cause) {
    await producer.disconnect().catch(() => undefined)
    throw new KafkaUnavailable({ operation: "producer.connect", brokers: cluster.options.brokers.join(","), detail: describe(cause) })
  }
  return producer
}

/** Settings for a consumer-group member. */
export interface ConsumerOptions {
  readonly groupId: string
  readonly sessionTimeoutMs: number
  readonly heartbeatIntervalMs: number
  readonly maxBytesPerPartition: number
  /**
   * False for a consumer whose owner makes a new one when it crashes (the partition
   * consumer: its actor fails on CRASH and its supervisor starts it again). kafkajs
   * otherwise restarts the crashed consumer itself 200 ms later, and that consumer
   * rejoined the group while the actor was still stopping: in one CI run it was given
   * four partitions that nothing then executed, for five minutes (`test/faults/
   * broker-killed.test.ts`, an Ethereum sender's 30 transfers never final). Default true.
   */
  readonly restartOnCrash?: boolean
}

/**
 * How long a fetch waits at the broker for records before answering empty. kafkajs's
 * default is 5 s, and a consumer's disconnect waits for its fetch in flight, so each idle
 * consumer took about 5 s to stop: a host with four of them (status view, webhook book,
 * notifier, partition consumer) drained in 16–20 s. A fetch still answers as soon as
 * records arrive; an idle consumer asks once a second instead of once every 5 s, and its
 * heartbeats, sent between fetches, keep their interval.
 */
export const fetchMaxWaitMs = 1_000

/** A connected consumer-group member, which leaves the group when the scope closes. */
export const scopedConsumer = (cluster: KafkaCluster, options: ConsumerOptions): Effect.Effect<Consumer, KafkaUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const consumer = cluster.client.consumer({
        groupId: options.groupId,
        sessionTimeout: options.sessionTimeoutMs,
        heartbeatInterval: options.heartbeatIntervalMs,
        maxBytesPerPartition: options.maxBytesPerPartition,
        maxWaitTimeInMs: fetchMaxWaitMs,
        allowAutoTopicCreation: false,
        retry: options.restartOnCrash === false ? { ...kafkaRetries.consumer, restartOnFailure: async () => false } : kafkaRetries.consumer,
      })
      yield* attempt(cluster, "consumer.connect", () => consumer.connect())
      return consumer
    }),
    (consumer) => Effect.promise(() => consumer.disconnect().catch(() => undefined)),
  )

/** What a consumer-group member went through, from kafkajs's instrumentation events. */
export type MembershipEvent =
  | { readonly _tag: "joined"; readonly memberId: string }
  | { readonly _tag: "heartbeat" }
  | { readonly _tag: "rebalancing" }
  | { readonly _tag: "crashed"; readonly error: string; readonly restart: boolean }
  | { readonly _tag: "disconnected" }
  | { readonly _tag: "stopped" }

/**
 * Calls `on` with every membership event of `consumer` (GROUP_JOIN, HEARTBEAT,
 * REBALANCING, CRASH, DISCONNECT, STOP). kafkajs emits HEARTBEAT only after the broker
 * answered a heartbeat, which it sends between fetches at most every heartbeat interval.
 */
export const onMembershipEvents = (consumer: Consumer, on: (event: MembershipEvent) => void): void => {
  const e = consumer.events
  consumer.on(e.GROUP_JOIN, (event) => on({ _tag: "joined", memberId: event.payload.memberId }))
  consumer.on(e.HEARTBEAT, () => on({ _tag: "heartbeat" }))
  consumer.on(e.REBALANCING, () => on({ _tag: "rebalancing" }))
  consumer.on(e.CRASH, (event) => on({ _tag: "crashed", error: describe(event.payload.error), restart: event.payload.restart }))
  consumer.on(e.DISCONNECT, () => on({ _tag: "disconnected" }))
  consumer.on(e.STOP, () => on({ _tag: "stopped" }))
}

/**
 * Creates the topics that are missing, with their partitions, replication and
 * min.insync.replicas, and returns once every partition of those it created answers a
 * read of its offsets. Topics that exist are left as they are. Returns the names created.
 */
export const ensureTopics = (cluster: KafkaCluster, admin: Admin, topics: readonly TopicSpec[]) =>
  Effect.gen(function* () {
    const created = yield* ensureTopicsOnce(cluster, admin, topics).pipe(
      // Right after creation a broker may not host a partition yet ("does not host this
      // topic-partition"); the topics exist, and the next attempt sees them.
      Effect.retry(topicCreationRetry),
    )
    // Right after creation a broker can still answer a read of a partition's offsets with
    // "This server is not the leader for that topic-partition": a bench's gateway, started
    // just after the bench created its run's topics, had its status view fail its first
    // start that way. The creator waits until each partition's leader answers.
    if (created.length > 0) {
      yield* attempt(cluster, "admin.fetchTopicOffsets", () => Promise.all(created.map((topic) => admin.fetchTopicOffsets(topic)))).pipe(Effect.retry(topicCreationRetry))
    }
    return created
  })

const ensureTopicsOnce = (cluster: KafkaCluster, admin: Admin, topics: readonly TopicSpec[]) =>
  Effect.gen(function* () {
    const existing = new Set(yield* attempt(cluster, "admin.listTopics", () => admin.listTopics()))
    const missing = topics.filter((t) => !existing.has(t.name))
    if (missing.length === 0) return [] as string[]
    yield* attempt(cluster, "admin.createTopics", () =>
      admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
          configEntries: [
            { name: "min.insync.replicas", value: String(t.minInsyncReplicas) },
            ...(t.compacted ? [{ name: "cleanup.policy", value: "compact" }] : []),
          ],
        })),
      }),
    )
    return missing.map((t) => t.name)
  })

/** How many brokers the cluster reports: the readiness check for Kafka. */
export const brokerCount = (cluster: KafkaCluster, admin: Admin) =>
  Effect.map(attempt(cluster, "admin.describeCluster", () => admin.describeCluster()), (c) => c.brokers.length)

/** Wraps any other kafkajs call so its failure becomes a `KafkaUnavailable`. */
export const kafkaCall = attempt

/** One record to publish. A null key lets Kafka spread records over partitions; a null value is a tombstone for its key. */
export interface OutgoingRecord {
  readonly topic: string
  readonly key: string | null
  readonly value: string | null
}

/**
 * Publishes records to one or more topics with acks=all, in as few requests as the
 * brokers' record-batch limit allows (see produce-chunks.ts), one after another, and
 * resolves only when every in-sync replica has them all. Rejects with `KafkaUnavailable`, saying whether
 * another attempt may succeed. After a rejection its caller (src/kafka/sendto-publisher.ts) sends
 * again from a new producer.
 */
export const publishAll = async (cluster: KafkaCluster, producer: Producer, records: readonly OutgoingRecord[]): Promise<void> => {
  const byTopic = new Map<string, { key: string | null; value: string | null }[]>()
  for (const r of records) {
    const list = byTopic.get(r.topic) ?? []
    list.push({ key: r.key, value: r.value })
    byTopic.set(r.topic, list)
  }
  try {
    for (const chunk of produceChunks([...byTopic].map(([topic, messages]) => ({ topic, messages })))) {
      await producer.sendBatch({ acks: -1, topicMessages: chunk.map((t) => ({ topic: t.topic, messages: [...t.messages] })) })
    }
  } catch (cause) {
    throw new KafkaUnavailable({ operation: "producer.send", brokers: cluster.options.brokers.join(","), detail: describe(cause), retriable: worthAnotherAttempt(cause) })
  }
}

/**
 * Writes a tombstone (a null value) for each key of a compacted topic, acks=all: the log
 * cleaner then removes every record of those keys, and readers that see a tombstone
 * delete the key.
 */
export const writeTombstones = async (cluster: KafkaCluster, producer: Producer, topic: string, keys: readonly string[]): Promise<void> => {
  try {
    for (let i = 0; i < keys.length; i += 1000) {
      await producer.send({ topic, acks: -1, messages: keys.slice(i, i + 1000).map((key) => ({ key, value: null })) })
    }
  } catch (cause) {
    throw new KafkaUnavailable({ operation: "producer.send", brokers: cluster.options.brokers.join(","), detail: describe(cause), retriable: worthAnotherAttempt(cause) })
  }
}

/** kafkajs's ConfigResourceTypes.TOPIC. */
const topicResource = 2

/** A topic's `retention.ms` (-1: kept for good), or undefined when the brokers do not say. */
export const topicRetentionMs = async (admin: Admin, topic: string): Promise<number | undefined> => {
  const answer = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: topicResource, name: topic, configNames: ["retention.ms"] }] })
  const value = answer.resources[0]?.configEntries.find((e) => e.configName === "retention.ms")?.configValue
  return value === undefined || value === null ? undefined : Number(value)
}

/** kafkajs's client types, re-exported so no other module imports kafkajs itself. */
export type { Admin as KafkaAdmin, Consumer as KafkaConsumer, Producer as KafkaProducer, EachBatchPayload, KafkaMessage } from "kafkajs"
