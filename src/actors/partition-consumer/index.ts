/**
 * partition-consumer: this host's member of the consumer group on `sendto`. For each
 * partition the group assigns it, it takes the partition over — opens the partition's
 * fenced writer (which fences any earlier owner), catches its status view up on the
 * partition's records, rebuilds the executor's state from the unfinished ones — and then
 * runs the partition's executor as a fiber of its own scope. Fetched batches go to
 * their partition's executor; the consumer's offsets are committed only by the
 * executor's transactions. A revoked partition's fiber is interrupted; a halted one
 * (fenced, or a commit of unknown outcome) is taken over again only once the group
 * confirms this member still holds it (see partition-state.ts). Group membership feeds
 * the host's "consumer.group" readiness check.
 */
import { Deferred, Effect, Exit, FiberMap } from "effect"
import { ensureTopics, kafkaCall, makeCluster, onMembershipEvents, scopedAdmin, scopedConsumer, type EachBatchPayload } from "../../adapters/kafka.ts"
import { kafkaOptionsFrom } from "../../host/connections.ts"
import type { HostContext } from "../../host/host-context.ts"
import { failCheckOnStop } from "../../host/check-on-stop.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import type { PartitionExecutor } from "../../execution/partition-executor.ts"
import type { WriteBacklog } from "../../execution/write-backlog.ts"
import type { NodePool } from "../node-throttler/index.ts"
import { gatewayTopics } from "../../kafka/topics.ts"
import type { StatusView } from "../status-view/index.ts"
import { hostChains } from "./chain-lanes.ts"
import { partitionConsumerEvents, partitionConsumerMetrics } from "./events.ts"
import { consumerGroupCheck, reportMembership } from "./group-membership.ts"
import { assigned, transition, type PartitionEvent, type PartitionState } from "./partition-state.ts"
import { takeOver } from "./takeover.ts"
import { TopicMismatch } from "./topic-mismatch.ts"

export { TopicMismatch } from "./topic-mismatch.ts"

/** One assigned partition: its state, and its executor once taken over. */
interface Held {
  state: PartitionState
  executor: Deferred.Deferred<PartitionExecutor>
}

/** Builds the consumer-group actor. */
export const partitionConsumer = (ctx: HostContext, pool: NodePool, view: StatusView, backlog: WriteBacklog): { readonly spec: ChildSpec } => {
  const log = ctx.log.forActor("partition-consumer")
  const metrics = partitionConsumerMetrics(ctx.metrics)
  const k = ctx.config.kafka
  const timings = { groupId: k.consumer.group_id, sessionTimeoutMs: k.consumer.session_timeout_ms, heartbeatIntervalMs: k.consumer.heartbeat_interval_ms }
  const groupCheck = consumerGroupCheck(ctx.readiness, timings)

  const init = Effect.gen(function* () {
    yield* failCheckOnStop(groupCheck, "the partition consumer")
    const cluster = makeCluster(kafkaOptionsFrom(ctx.config, ctx.host.name))
    const admin = yield* scopedAdmin(cluster)
    // Whichever role starts first creates the topics; creating is idempotent.
    yield* ensureTopics(cluster, admin, gatewayTopics(ctx.config))
    for (const topic of [k.topics.requests, k.topics.results]) {
      const meta = yield* kafkaCall(cluster, "admin.fetchTopicMetadata", () => admin.fetchTopicMetadata({ topics: [topic] }))
      const found = meta.topics[0]?.partitions.length ?? 0
      // Results of a request go to the partition of its request, so the two topics must match.
      if (found !== k.topics.partitions) return yield* new TopicMismatch({ topic, expected: k.topics.partitions, found })
    }
    const chains = yield* Effect.try({ try: () => hostChains(ctx, pool, (node, sends) => {
      metrics.sendBatches.inc({ node })
      metrics.sendsBatched.inc({ node }, sends)
    }), catch: (e) => e as Error })
    const consumer = yield* scopedConsumer(cluster, {
      groupId: k.consumer.group_id,
      sessionTimeoutMs: k.consumer.session_timeout_ms,
      heartbeatIntervalMs: k.consumer.heartbeat_interval_ms,
      maxBytesPerPartition: k.consumer.max_bytes_per_partition,
      // This actor fails on CRASH and its supervisor makes a new consumer.
      restartOnCrash: false,
    })
    onMembershipEvents(consumer, reportMembership(groupCheck, k.consumer.group_id))

    // The host's one reader of each chain's blocks, for every partition's tracker; none for a chain the host calls no node of.
    if (chains.chains.has("ethereum")) yield* Effect.forkScoped(chains.follower.run)
    if (chains.bitcoin !== undefined) yield* Effect.forkScoped(chains.bitcoinWatch.run)

    const held = new Map<number, Held>()
    let generation = 0
    // Set first when the actor stops (finalizers run last-added first): a batch waiting for
    // an executor that will never come stops heartbeating for it, so the group moves on.
    let stopping = false
    yield* Effect.addFinalizer(() => Effect.sync(() => { stopping = true }))
    const fibers = yield* FiberMap.make<number, void, never>()
    const runIn = yield* FiberMap.runtime(fibers)<never>()

    /** Applies `event` to partition `p` and carries out the action. */
    const apply = (p: number, event: PartitionEvent) => {
      const h = held.get(p)
      if (h === undefined) return
      const out = transition(h.state, event)
      h.state = out.state
      if (out.action === "stop") {
        held.delete(p)
        Effect.runFork(FiberMap.remove(fibers, p))
      }
      if (out.action === "take-over") start(p, h)
    }

    /** Takes `p` over and runs its executor until revoked or halted. */
    const start = (p: number, h: Held) => {
      h.executor = Deferred.makeUnsafe<PartitionExecutor>()
      const life = Effect.scoped(takeOver(ctx, { cluster, admin, consumer, view, chains, partition: p, log, metrics }).pipe(
        Effect.flatMap((executor) =>
          Effect.acquireRelease(Effect.sync(() => backlog.add(executor.held)), (remove) => Effect.sync(remove)).pipe(
            Effect.andThen(Deferred.succeed(h.executor, executor)),
            Effect.andThen(Effect.sync(() => apply(p, { _tag: "opened" }))),
            Effect.andThen(executor.run),
          ),
        ),
      )).pipe(
        Effect.catch((e) =>
          Effect.sync(() => {
            log.warn(partitionConsumerEvents.halted, { partition: p, reason: e.message })
            apply(p, { _tag: "halted", reason: e.message })
          }),
        ),
      )
      runIn(p, life)
    }

    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      generation += 1
      const now = new Set(event.payload.memberAssignment[k.topics.requests] ?? [])
      for (const p of [...held.keys()]) if (!now.has(p)) apply(p, { _tag: "revoked" })
      // Every assigned partition is taken over again, kept ones too: this member may have
      // missed a generation (its session lapsed while a broker died) in which another member
      // owned the partition and fenced this one's writer, which an idle executor would not notice.
      for (const p of now) {
        const h: Held = { state: assigned(generation), executor: Deferred.makeUnsafe<PartitionExecutor>() }
        held.set(p, h)
        start(p, h)
      }
      log.info(partitionConsumerEvents.assigned, { partitions: [...now].sort((a, b) => a - b), generation })
    })
    consumer.on(consumer.events.HEARTBEAT, () => {
      for (const p of held.keys()) apply(p, { _tag: "confirmed", generation })
    })

    /** Hands a fetched batch to its partition's executor, heartbeating while it waits. */
    const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
      const { batch } = payload
      const h = held.get(batch.partition)
      if (h === undefined) return
      const abort = new AbortController()
      const heartbeat = setInterval(() => {
        if (stopping) {
          abort.abort()
          return
        }
        payload.heartbeat().catch(() => abort.abort())
        if (!payload.isRunning() || payload.isStale()) abort.abort()
      }, k.consumer.heartbeat_interval_ms)
      try {
        const executor = await Effect.runPromise(Deferred.await(h.executor), { signal: abort.signal })
        const messages = batch.messages.map((m) => ({ offset: BigInt(m.offset), key: m.key?.toString() ?? "", value: m.value?.toString() ?? null }))
        const offered = await Effect.runPromiseExit(executor.offer(messages), { signal: abort.signal })
        if (Exit.isSuccess(offered) && offered.value._tag === "refused") {
          // Fetched before the takeover moved the position back: read again from there, not past this batch.
          consumer.seek({ topic: k.topics.requests, partition: batch.partition, offset: offered.value.seekTo.toString() })
          return
        }
        if (Exit.isSuccess(offered)) payload.resolveOffset(batch.lastOffset())
        metrics.backlog.set(Number(BigInt(batch.highWatermark) - BigInt(batch.lastOffset()) - 1n), { partition: String(batch.partition) })
      } catch {
        // Aborted by a rebalance, a stale batch or a stop: the batch is fetched again by whoever
        // owns it. The same executor, offered it again, skips what it already took (an offer
        // it had begun is taken to its end, uninterruptibly) and takes the rest.
      } finally {
        clearInterval(heartbeat)
      }
    }

    const crashed = Promise.withResolvers<string>()
    consumer.on(consumer.events.CRASH, (event) => crashed.resolve(String(event.payload.error?.message ?? event.payload.error)))
    yield* kafkaCall(cluster, "consumer.subscribe", () => consumer.subscribe({ topic: k.topics.requests, fromBeginning: true }))
    yield* kafkaCall(cluster, "consumer.run", () =>
      consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: k.topics.partitions, eachBatch }),
    )
    log.info(partitionConsumerEvents.joined, { group: k.consumer.group_id, topic: k.topics.requests, partitions: k.topics.partitions, nodes: pool.throttles.map((t) => t.name) })
    return Effect.flatMap(Effect.promise(() => crashed.promise), (reason) => Effect.fail(new Error(`kafka consumer crashed: ${reason}`)))
  })

  return { spec: { id: "partition-consumer", init, restart: "permanent", shutdownMs: 15_000 } }
}
