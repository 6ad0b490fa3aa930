/**
 * Taking one partition over: the steps between "the group assigned it to us" and "its
 * executor runs", in the order that makes them safe.
 *
 * 1. Open the partition's fenced writer. This fences every earlier owner and settles
 *    its open transaction, so from here on nothing it wrote can still appear.
 * 2. Read where the group's offset stands, and catch the status view up on the
 *    partition's records: everything the earlier owners committed is now visible.
 * 3. Rebuild each lane from the partition's unfinished records (nothing is signed anew;
 *    recorded bytes are sent again by the trackers), and move the fetch position back
 *    to the committed offset (the partition's first message when nothing was committed
 *    yet), since a halted executor may have dropped fetched messages.
 */
import { Effect, type Scope } from "effect"
import type { KafkaAdmin, KafkaCluster, KafkaConsumer } from "../../adapters/kafka.ts"
import { kafkaCall } from "../../adapters/kafka.ts"
import type { HostContext } from "../../host/host-context.ts"
import { makeOffsetBook } from "../../execution/offset-book.ts"
import { makePartitionExecutor, type PartitionExecutor } from "../../execution/partition-executor.ts"
import { makeFencedWriter } from "../../kafka/fenced-writer.ts"
import { makePartitionRecorder } from "./partition-recorder.ts"
import type { Logger } from "../../observability/log.ts"
import type { StatusView } from "../status-view/index.ts"
import { partitionLanes, type HostChains } from "./chain-lanes.ts"
import { deadLetterFor, unreadableLetter } from "./dead-letters.ts"
import { partitionConsumerEvents, type partitionConsumerMetrics } from "./events.ts"
import { makeRecordCache } from "./record-cache.ts"

/** What a takeover needs from the actor. */
export interface TakeoverDeps {
  readonly cluster: KafkaCluster
  readonly admin: KafkaAdmin
  readonly consumer: KafkaConsumer
  readonly view: StatusView
  readonly chains: HostChains
  readonly partition: number
  readonly log: Logger
  readonly metrics: ReturnType<typeof partitionConsumerMetrics>
}

/** Takes `deps.partition` over; the writer closes when the scope does. */
/** The offset of the first message `partition` of `topic` still holds. */
const firstOffset = (deps: TakeoverDeps, topic: string, partition: number) =>
  Effect.map(
    kafkaCall(deps.cluster, "admin.fetchTopicOffsets", () => deps.admin.fetchTopicOffsets(topic)),
    (offsets) => BigInt(offsets.find((o) => o.partition === partition)?.low ?? "0"),
  )

export const takeOver = (ctx: HostContext, deps: TakeoverDeps): Effect.Effect<PartitionExecutor, { readonly message: string }, Scope.Scope> =>
  Effect.gen(function* () {
    const k = ctx.config.kafka
    const p = deps.partition
    const started = performance.now()
    const writer = makeFencedWriter(deps.cluster, {
      partition: p,
      groupId: k.consumer.group_id,
      requestsTopic: k.topics.requests,
      graceMs: Math.floor(k.consumer.session_timeout_ms / 2),
      transactionTimeoutMs: k.consumer.transaction_timeout_ms,
    })
    const openedAt = performance.now()
    yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => writer.open(), catch: (e) => new Error(`opening the fenced writer of partition ${p}: ${String((e as Error).message ?? e)}`) }),
      () => Effect.promise(() => writer.close().catch(() => undefined)),
    )
    const committed = yield* kafkaCall(deps.cluster, "admin.fetchOffsets", () => deps.admin.fetchOffsets({ groupId: k.consumer.group_id, topics: [k.topics.requests] }))
    const mine = committed[0]?.partitions.find((x) => x.partition === p)?.offset
    const committedNext = mine !== undefined && Number(mine) >= 0 ? BigInt(mine) : undefined
    yield* Effect.tryPromise({ try: () => deps.view.catchUp(new Set([p])), catch: (e) => new Error(`catching up on ${k.topics.results} partition ${p}: ${String(e)}`) })

    const offsets = makeOffsetBook(committedNext)
    // What the partition's transactions carry, logged every 10 s while it commits.
    const tally = { transactions: 0, records: 0, ms: 0, since: performance.now() }
    const onCommit = (records: number, ms: number) => {
      deps.metrics.transactions.inc({ partition: String(p) })
      deps.metrics.recordsCommitted.inc({ partition: String(p) }, records)
      tally.transactions += 1
      tally.records += records
      tally.ms += ms
      if (performance.now() - tally.since < 10_000) return
      deps.log.info(partitionConsumerEvents.commits, { partition: p, transactions: tally.transactions, records: tally.records, mean_ms: Math.round(tally.ms / tally.transactions), seconds: Math.round((performance.now() - tally.since) / 1000) })
      Object.assign(tally, { transactions: 0, records: 0, ms: 0, since: performance.now() })
    }
    const recorder = makePartitionRecorder({ commit: (records, next) => writer.commit(records, next), owns: writer.owns }, offsets, k.topics.results, { committedAt: openedAt }, (error, attempt) => {
      if (attempt === 0 || attempt % 10 === 0) deps.log.warn(partitionConsumerEvents.recordRetrying, { partition: p, attempt, reason: error.message })
    }, onCommit, undefined, { busyMs: k.consumer.transaction_interval_ms, lightMs: k.consumer.transaction_interval_light_ms }, (records, ms) => {
      deps.log.warn(partitionConsumerEvents.commitSlow, { partition: p, records, seconds: Math.round(ms / 1000) })
    })
    const records = makeRecordCache(deps.view)
    const deadLetter = deadLetterFor(k.topics.dlq, p, records)
    const lanes = partitionLanes(deps.chains, p, recorder, records, deadLetter, deps.log)
    yield* Effect.addFinalizer(() => Effect.forEach([...lanes.values()], (lane) => lane.close ?? Effect.void, { discard: true }))
    const unfinished = deps.view.awaitingConfirmation(new Set([p]))
    for (const [chain, lane] of lanes) yield* lane.restore(unfinished.filter((r) => r.chain === chain))
    // Back to the committed offset; with none (the halted owner's first transaction never
    // committed), back to the partition's first message: the fetch position may be past
    // messages that owner fetched and dropped, and nothing else would deliver them again.
    const from = committedNext ?? (yield* firstOffset(deps, k.topics.requests, p))
    deps.consumer.seek({ topic: k.topics.requests, partition: p, offset: from.toString() })

    const executor = yield* makePartitionExecutor({
      partition: p,
      lanes,
      recorder,
      records,
      offsets,
      from,
      nodes: deps.chains.nodes,
      deadLetter,
      unreadable: unreadableLetter(k.topics.dlq, p),
      maxParallelKeys: k.consumer.max_parallel_keys,
      maxHeld: k.consumer.max_held_per_partition,
      log: deps.log,
      observe: (outcome, n) => deps.metrics.outcomes.inc({ partition: String(p), outcome }, n),
    })
    deps.log.info(partitionConsumerEvents.takenOver, { partition: p, committed: committedNext === undefined ? null : String(committedNext), unfinished: unfinished.length, ms: Math.round(performance.now() - started) })
    return executor
  })
