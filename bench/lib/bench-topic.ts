/**
 * Throwaway Kafka topics for benches, made and removed through the Kafka
 * adapter, so a bench never writes into the gateway's own `sendto` topics
 * and a second run starts from an empty topic.
 */
import { Effect, Schedule } from "effect"
import { ensureTopics, kafkaCall, makeCluster, scopedAdmin, type KafkaCluster, type TopicSpec } from "../../src/adapters/kafka.ts"

const clusterFor = (brokers: ReadonlyArray<string>): KafkaCluster =>
  makeCluster({ brokers: [...brokers], clientId: "gateway-bench", connectionTimeoutMs: 3000, requestTimeoutMs: 30000 })

/**
 * Right after creating a topic, kafkajs's wait for leaders can fail with
 * "This server does not host this topic-partition" while metadata spreads
 * over the brokers; asking again a second later finds the topic in place.
 */
const SETTLE_RETRY = { times: 5, schedule: Schedule.spaced("1 second") }

/** Creates `spec` if it does not exist; resolves to true when it was created now. Rejects with `KafkaUnavailable`. */
export const ensureBenchTopic = (brokers: ReadonlyArray<string>, spec: TopicSpec): Promise<boolean> => {
  const cluster = clusterFor(brokers)
  return Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const admin = yield* scopedAdmin(cluster)
        const before = yield* kafkaCall(cluster, "admin.listTopics", () => admin.listTopics())
        if (before.includes(spec.name)) return false
        yield* ensureTopics(cluster, admin, [spec]).pipe(Effect.retry(SETTLE_RETRY))
        return true
      }),
    ),
  )
}

/** Deletes `topic` (a missing topic is not an error), so bench data does not pile up on the brokers. */
export const deleteBenchTopic = (brokers: ReadonlyArray<string>, topic: string): Promise<void> => {
  const cluster = clusterFor(brokers)
  return Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const admin = yield* scopedAdmin(cluster)
        const existing = yield* kafkaCall(cluster, "admin.listTopics", () => admin.listTopics())
        if (existing.includes(topic)) yield* kafkaCall(cluster, "admin.deleteTopics", () => admin.deleteTopics({ topics: [topic], timeout: 10000 }))
      }),
    ),
  )
}
