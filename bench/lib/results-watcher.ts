/**
 * Reads a run's results topic from the beginning, in a consumer group of
 * its own, and feeds every status record to a tracker: the bench sees each
 * request's progress as the gateway records it, without polling the intake.
 */
import { Effect, Schedule } from "effect"
import { kafkaCall, makeCluster, scopedConsumer } from "../../src/adapters/kafka.ts"
import { makeStatusTracker, parseStatusRecord, type StatusTracker } from "./status-tracker.ts"

/** A running watcher. */
export interface ResultsWatcher {
  readonly tracker: StatusTracker
  /** Resolves once the consumer runs (it may still be joining its group). */
  readonly started: Promise<void>
  /** Leaves the group and disconnects. */
  readonly stop: () => Promise<void>
}

/** Starts reading `topic` as group `groupId`. */
export const watchResults = (brokers: ReadonlyArray<string>, topic: string, groupId: string): ResultsWatcher => {
  const tracker = makeStatusTracker()
  const cluster = makeCluster({ brokers: [...brokers], clientId: "gateway-bench-watch", connectionTimeoutMs: 3000, requestTimeoutMs: 30000 })
  const stopSignal = Promise.withResolvers<void>()
  const started = Promise.withResolvers<void>()
  const program = Effect.scoped(
    Effect.gen(function* () {
      const consumer = yield* scopedConsumer(cluster, { groupId, sessionTimeoutMs: 10000, heartbeatIntervalMs: 1000, maxBytesPerPartition: 1048576 })
      // Right after the gateway creates the topic, a broker may not host its partitions yet.
      yield* kafkaCall(cluster, "consumer.subscribe", () => consumer.subscribe({ topic, fromBeginning: true })).pipe(
        Effect.retry({ times: 10, schedule: Schedule.spaced("1 second") }),
      )
      yield* kafkaCall(cluster, "consumer.run", () =>
        consumer.run({
          autoCommit: false,
          partitionsConsumedConcurrently: 4,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const record = m.value === null ? undefined : parseStatusRecord(m.value.toString())
              if (record !== undefined) tracker.apply(record)
            }
          },
        }),
      )
      started.resolve()
      yield* Effect.promise(() => stopSignal.promise)
    }),
  )
  const done = Effect.runPromise(program).catch((error: unknown) => {
    started.reject(error)
  })
  return {
    tracker,
    started: started.promise,
    stop: async () => {
      stopSignal.resolve()
      await done
    },
  }
}
