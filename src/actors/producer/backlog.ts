/**
 * The backlog the intake's breaker watches: messages in `sendto` that the consumer group
 * has not committed yet, summed over partitions. Read from Kafka on a timer, so the hot
 * path only reads a number.
 */
import { Effect, Schedule } from "effect"
import { kafkaCall, type KafkaAdmin, type KafkaCluster } from "../../adapters/kafka.ts"

/** How often the backlog is re-read. */
export const backlogPollMs = 1_000

/** Sums high watermark minus committed offset (or the log start, when nothing is committed). */
export const readBacklog = (cluster: KafkaCluster, admin: KafkaAdmin, topic: string, groupId: string) =>
  Effect.gen(function* () {
    const ends = yield* kafkaCall(cluster, "admin.fetchTopicOffsets", () => admin.fetchTopicOffsets(topic))
    const committed = yield* kafkaCall(cluster, "admin.fetchOffsets", () => admin.fetchOffsets({ groupId, topics: [topic] }))
    const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]))
    let total = 0n
    for (const e of ends) {
      const done = byPartition.get(e.partition) ?? -1n
      const from = done >= 0n ? done : BigInt(e.low)
      total += BigInt(e.high) - from
    }
    return Number(total)
  })

/** Keeps `set` up to date until the scope closes; a failed read keeps the last value. */
export const pollBacklog = (cluster: KafkaCluster, admin: KafkaAdmin, topic: string, groupId: string, set: (n: number) => void) =>
  Effect.repeat(
    Effect.ignore(Effect.map(readBacklog(cluster, admin, topic, groupId), set)),
    Schedule.spaced(backlogPollMs),
  )
