/**
 * partition-consumer: this host's member of the consumer group on `sendto`. It spawns a
 * worker per assigned partition (on every group join it starts the new ones and stops
 * the revoked ones), feeds each fetched batch to its partition's worker, and commits
 * offsets only after outcomes are recorded. A consumer crash fails the actor, and the
 * supervisor restarts it with backoff. Its membership events feed the host's
 * "consumer.group" readiness check.
 */
import { Effect } from "effect"
import { ensureTopics, kafkaCall, makeCluster, onMembershipEvents, publishAll, scopedAdmin, scopedConsumer, scopedProducer } from "../../adapters/kafka.ts"
import { kafkaOptionsFrom } from "../../app/connections.ts"
import type { HostContext } from "../../app/host-context.ts"
import type { StatusRecord } from "../../domain/status.ts"
import { failCheckOnStop } from "../../host/check-on-stop.ts"
import { makeResultsWriter, resultsProducerRetry } from "../../pipeline/results-writer.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import type { NodePool } from "../node-throttler/pool.ts"
import { gatewayTopics } from "../producer/topics.ts"
import type { StatusView } from "../status-view/index.ts"
import { chainSettings } from "./chain-settings.ts"
import { partitionConsumerEvents, partitionConsumerMetrics } from "./events.ts"
import { consumerGroupCheck, reportMembership } from "./group-membership.ts"
import { makePartitionWorker, type PartitionWorker } from "./partition-worker.ts"
import { TopicMismatch } from "./topic-mismatch.ts"

export { TopicMismatch } from "./topic-mismatch.ts"

/** The partitions this host owns right now; the confirmation tracker follows them. */
export interface Assignment {
  readonly partitions: () => ReadonlySet<number>
}

/** Builds the consumer-group actor and the live view of its assignment. */
export const partitionConsumer = (ctx: HostContext, pool: NodePool, view: StatusView): { readonly spec: ChildSpec; readonly assignment: Assignment } => {
  const log = ctx.log.forActor("partition-consumer")
  const metrics = partitionConsumerMetrics(ctx.metrics)
  const k = ctx.config.kafka
  const workers = new Map<number, PartitionWorker>()
  const timings = { groupId: k.consumer.group_id, sessionTimeoutMs: k.consumer.session_timeout_ms, heartbeatIntervalMs: k.consumer.heartbeat_interval_ms }
  const groupCheck = consumerGroupCheck(ctx.readiness, timings)

  const init = Effect.gen(function* () {
    yield* failCheckOnStop(groupCheck, "the partition consumer")
    const cluster = makeCluster(kafkaOptionsFrom(ctx.config, ctx.host.name))
    const admin = yield* scopedAdmin(cluster)
    // Whichever role starts first creates the topics; creating is idempotent.
    yield* ensureTopics(cluster, admin, gatewayTopics(ctx.config))
    const meta = yield* kafkaCall(cluster, "admin.fetchTopicMetadata", () => admin.fetchTopicMetadata({ topics: [k.topics.requests] }))
    const found = meta.topics[0]?.partitions.length ?? 0
    if (found !== k.topics.partitions) return yield* new TopicMismatch({ topic: k.topics.requests, expected: k.topics.partitions, found })

    const producer = yield* scopedProducer(cluster, resultsProducerRetry)
    const writer = makeResultsWriter(cluster, producer, k.topics.results)
    const record = async (records: readonly StatusRecord[]) => {
      await writer.write(records)
      view.applyLocal(records)
    }
    const chains = chainSettings(ctx, pool)
    const consumer = yield* scopedConsumer(cluster, {
      groupId: k.consumer.group_id,
      sessionTimeoutMs: k.consumer.session_timeout_ms,
      heartbeatIntervalMs: k.consumer.heartbeat_interval_ms,
      maxBytesPerPartition: k.consumer.max_bytes_per_partition,
    })
    const deps = {
      pool, view, chains, record, log,
      maxParallelKeys: k.consumer.max_parallel_keys,
      toDlq: (message: { key: string; value: Buffer | null; offset: string }, partition: number, reason: string) =>
        publishAll(cluster, producer, [{
          topic: k.topics.dlq, key: message.key || null,
          value: JSON.stringify({ reason, partition, offset: message.offset, at: Date.now(), value: message.value?.toString() ?? null }),
        }]),
      commit: (partition: number, offset: string) =>
        consumer.commitOffsets([{ topic: k.topics.requests, partition, offset }]),
      onOutcome: (partition: number, outcome: string) => metrics.outcomes.inc({ partition: String(partition), outcome }),
    }

    // Spawn on assign, stop on revoke. The end offset at assignment bounds which messages a
    // previous owner may have attempted.
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assigned = new Set(event.payload.memberAssignment[k.topics.requests] ?? [])
      for (const [p, w] of workers) if (!assigned.has(p)) { w.stop(); workers.delete(p) }
      void admin.fetchTopicOffsets(k.topics.requests).then((offsets) => {
        for (const o of offsets) {
          if (!assigned.has(o.partition) || workers.has(o.partition)) continue
          workers.set(o.partition, makePartitionWorker(o.partition, BigInt(o.high), deps))
        }
        log.info(partitionConsumerEvents.assigned, { partitions: [...assigned].sort((a, b) => a - b) })
      })
    })
    onMembershipEvents(consumer, reportMembership(groupCheck, k.consumer.group_id))
    const crashed = Promise.withResolvers<string>()
    consumer.on(consumer.events.CRASH, (event) => crashed.resolve(String(event.payload.error?.message ?? event.payload.error)))

    yield* kafkaCall(cluster, "consumer.subscribe", () => consumer.subscribe({ topic: k.topics.requests, fromBeginning: true }))
    yield* kafkaCall(cluster, "consumer.run", () =>
      consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: k.topics.partitions,
        eachBatch: async (payload) => {
          let worker = workers.get(payload.batch.partition)
          for (let i = 0; worker === undefined && i < 100; i++) {
            // The join handler is still reading end offsets; the batch waits for its worker.
            await new Promise((r) => setTimeout(r, 20))
            worker = workers.get(payload.batch.partition)
          }
          if (worker === undefined) throw new Error(`no worker for partition ${payload.batch.partition}`)
          metrics.backlog.set(Number(BigInt(payload.batch.highWatermark) - BigInt(payload.batch.firstOffset() ?? payload.batch.highWatermark)), { partition: String(payload.batch.partition) })
          await worker.handle(payload)
        },
      }),
    )
    yield* Effect.addFinalizer(() => Effect.sync(() => { for (const w of workers.values()) w.stop(); workers.clear() }))
    log.info(partitionConsumerEvents.joined, { group: k.consumer.group_id, topic: k.topics.requests, partitions: found, nodes: pool.throttles.map((t) => t.name) })
    return Effect.flatMap(Effect.promise(() => crashed.promise), (reason) => Effect.fail(new Error(`kafka consumer crashed: ${reason}`)))
  })

  return {
    spec: { id: "partition-consumer", init, restart: "permanent", shutdownMs: 15_000 },
    assignment: { partitions: () => new Set(workers.keys()) },
  }
}
