/**
 * The backlog the intake's breaker watches: messages in `sendto` that the consumer group
 * has not committed yet, summed over partitions. Read from Kafka every second
 * (`backlogPoll`), so the hot path only reads a number. The same read keeps each
 * partition's share, which the operations page shows, and how many messages the DLQ
 * topic holds (`dlqSizePoll`).
 */
import { Effect } from "effect"
import { kafkaCall, type KafkaAdmin, type KafkaCluster } from "../adapters/kafka.ts"
import { backlogPoll, dlqSizePoll } from "../runtime/schedules.ts"

/** One partition of `sendto`: its end, what the group committed, and what lies between. */
export interface PartitionBacklog {
  readonly partition: number
  /** The high watermark: the offset the next message gets. */
  readonly end: number
  /** The group's committed offset, or -1 when it has committed nothing there. */
  readonly committed: number
  /** Messages not yet committed: end minus committed (or minus the log start when nothing is committed). */
  readonly backlog: number
}

interface TopicEnd {
  readonly partition: number
  readonly high: string
  readonly low: string
}

/** Each partition's backlog from the topic's ends and the group's committed offsets, ordered by partition. */
export const partitionBacklogOf = (ends: readonly TopicEnd[], committed: ReadonlyArray<{ readonly partition: number; readonly offset: string }>): PartitionBacklog[] => {
  const byPartition = new Map(committed.map((p) => [p.partition, BigInt(p.offset)]))
  return ends
    .map((e) => {
      const done = byPartition.get(e.partition) ?? -1n
      const from = done >= 0n ? done : BigInt(e.low)
      return { partition: e.partition, end: Number(e.high), committed: Number(done), backlog: Number(BigInt(e.high) - from) }
    })
    .sort((a, b) => a.partition - b.partition)
}

/** Every partition's backlog of `topic` for `groupId`. */
export const readPartitionBacklog = (cluster: KafkaCluster, admin: KafkaAdmin, topic: string, groupId: string) =>
  Effect.gen(function* () {
    const ends = yield* kafkaCall(cluster, "admin.fetchTopicOffsets", () => admin.fetchTopicOffsets(topic))
    const committed = yield* kafkaCall(cluster, "admin.fetchOffsets", () => admin.fetchOffsets({ groupId, topics: [topic] }))
    return partitionBacklogOf(ends, committed[0]?.partitions ?? [])
  })

/** Sums high watermark minus committed offset (or the log start, when nothing is committed). */
export const readBacklog = (cluster: KafkaCluster, admin: KafkaAdmin, topic: string, groupId: string) =>
  Effect.map(readPartitionBacklog(cluster, admin, topic, groupId), (parts) => parts.reduce((sum, p) => sum + p.backlog, 0))

/**
 * Keeps `set` up to date until the scope closes; a failed read keeps the last value.
 * `each`, when given, gets every partition's figures from the same read.
 */
export const pollBacklog = (cluster: KafkaCluster, admin: KafkaAdmin, topic: string, groupId: string, set: (n: number) => void, each?: (parts: readonly PartitionBacklog[]) => void) =>
  Effect.repeat(
    Effect.ignore(Effect.map(readPartitionBacklog(cluster, admin, topic, groupId), (parts) => {
      set(parts.reduce((sum, p) => sum + p.backlog, 0))
      each?.(parts)
    })),
    backlogPoll,
  )

/** Messages the topic holds now (high watermark minus log start, summed), kept in `set` until the scope closes. */
export const pollTopicSize = (cluster: KafkaCluster, admin: KafkaAdmin, topic: string, set: (n: number) => void) =>
  Effect.repeat(
    Effect.ignore(Effect.map(
      kafkaCall(cluster, "admin.fetchTopicOffsets", () => admin.fetchTopicOffsets(topic)),
      (ends) => set(ends.reduce((sum, e) => sum + Number(BigInt(e.high) - BigInt(e.low)), 0)),
    )),
    dlqSizePoll,
  )
