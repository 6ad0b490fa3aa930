/**
 * status-view: keeps this host's status store (`src/status/`) in step with the compacted
 * `sendto.results` topic, so that this host can answer status queries and its consumers
 * can tell whether a request was already carried out. The store is a file under
 * `[status].data_dir`; it remembers how far it has read each partition, so a restart
 * reads only what was written since, not the topic's whole history. A store filled from
 * another cluster or topic, or whose read positions the topic no longer has, is emptied
 * and read again from the beginning. It starts before the consumer and producer roles;
 * `catchUp()` waits until it has read every record written before the call, which a
 * consumer does before touching a newly assigned partition.
 *
 * It reads read_committed (kafkajs's default), like every reader of the executors'
 * transactional writes. Two consequences shape `catchUp`:
 * - the target is what the admin's ListOffsets returns, and kafkajs asks it with
 *   READ_COMMITTED: the last stable offset. With a transaction open on a partition it is
 *   the open transaction's first offset (seen: 0 while one record sat in an open
 *   transaction, 2 once a new owner's open() had aborted it and written the marker), so
 *   a catch-up never waits for a transaction that may never end;
 * - the read position comes from the consumer's end-of-batch event, not from `eachBatch`:
 *   kafkajs does not call `eachBatch` for a batch holding only control records or aborted
 *   records, and a partition that ends with a commit or abort marker ends with one. The
 *   same event stores the position, after the batch's records were applied, so a stored
 *   position is never ahead of the records.
 */
import { randomUUID } from "node:crypto"
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { describe } from "../../adapters/errors.ts"
import { ensureTopics, kafkaCall, makeCluster, scopedAdmin, scopedConsumer } from "../../adapters/kafka.ts"
import { onBatchProcessed } from "../../adapters/kafka-transactions.ts"
import { kafkaOptionsFrom } from "../../host/connections.ts"
import type { HostContext } from "../../host/host-context.ts"
import { statusSettingsOf } from "../../config/gateway-config.ts"
import type { StatusRecord } from "../../domain/status.ts"
import { encodeStatus } from "../../domain/wire.ts"
import { makeReadBackMemo } from "../../status/read-back.ts"
import { openStatusStore, type StatusStore } from "../../status/store.ts"
import { positionsToDiscard } from "../../status/resume.ts"
import { lockStoreFile } from "../../status/store-lock.ts"
import { openWriteBehindStore } from "../../status/write-behind.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import { gatewayTopics } from "../../kafka/topics.ts"
import { makeReadProgress } from "../../kafka/read-progress.ts"
import { statusViewEvents } from "./events.ts"
import { sweepForever } from "./retention-sweep.ts"
import { changesOf, makeViewUpdates, sendUpdate } from "./view-updates.ts"

export { statusViewEvents } from "./events.ts"

/** The view as the rest of the host uses it. */
export interface StatusView {
  /** The latest record of a request (or an executor record) this host has read. */
  readonly get: (id: string) => StatusRecord | undefined
  /** The highest nonce recorded for an Ethereum sender. */
  readonly highestNonce: (sender: string) => number | undefined
  /** True once a client asked to cancel request `id` (a `cancel` record was read or written here). */
  readonly cancelRequested: (id: string) => boolean
  /** Requests signed or submitted and not final, in the given `sendto` partitions. */
  readonly awaitingConfirmation: (partitions: ReadonlySet<number>) => StatusRecord[]
  /** One sender's requests signed or submitted and not final, of any partition. */
  readonly awaitingOfSender: (sender: string) => StatusRecord[]
  /** Requests signed or submitted and not final whose record names `partition` (see the store's `awaitingRecordedIn`). */
  readonly awaitingRecordedIn: (partition: number, before?: number) => StatusRecord[]
  readonly store: StatusStore
  /** Applies records this host keeps to itself (the intake's `accepted`, never written to the topic). */
  readonly applyLocal: (records: readonly StatusRecord[]) => void
  /**
   * Applies records this host just committed to `sendto.results`, before they come back
   * from Kafka; the copy read back is then left out (`src/status/read-back.ts`).
   */
  readonly applyCommitted: (records: readonly StatusRecord[]) => void
  /**
   * Resolves once every record committed to `sendto.results` before the call has been
   * read: of every partition, or of `partitions` only (an executor waits for its own).
   */
  readonly catchUp: (partitions?: ReadonlySet<number>) => Promise<void>
  /** True once the first catch-up after start has completed. */
  readonly ready: () => boolean
}

/** Where `host`'s store of `topic` lives: one file per host and topic under the data folder. */
export const statusStorePath = (dataDir: string, host: string, topic: string): string =>
  join(dataDir, host.replace(/[^A-Za-z0-9._-]/g, "_"), `status-${topic.replace(/[^A-Za-z0-9._-]/g, "_")}.sqlite`)

/** Builds the view and its actor. The store outlives restarts of the actor. */
export const statusView = (ctx: HostContext): { readonly view: StatusView; readonly spec: ChildSpec } => {
  const log = ctx.log.forActor("status-view")
  const settings = statusSettingsOf(ctx.config.status)
  const topic = ctx.config.kafka.topics.results
  const path = statusStorePath(settings.dataDir, ctx.host.name, topic)
  mkdirSync(join(path, ".."), { recursive: true })
  const lock = lockStoreFile(path)
  if (lock._tag === "taken") log.warn(statusViewEvents.storeTaken, { path, pid: lock.pid, hint: "this process keeps its store in memory and reads the topic from the beginning; give each process its own [[hosts]] name or [status].data_dir" })
  const opened = lock._tag === "held" ? openWriteBehindStore(path, { historyMax: settings.historyMax }) : openStatusStore(":memory:", { historyMax: settings.historyMax })
  const store: StatusStore = lock._tag === "held" ? { ...opened, close: () => (opened.close(), lock.release()) } : opened
  const progress = makeReadProgress()
  const readBack = makeReadBackMemo()
  const readBackSkipped = ctx.metrics.counter("gateway_status_read_back_skipped_total", "Records this host committed and applied itself, left out when read back from sendto.results (the same text; applying it again would change nothing).")
  const expired = ctx.metrics.counter("gateway_status_expired_total", "Final requests deleted from this host's status store after [status].retention_days (a tombstone written for each).")
  let endOffsets: () => Promise<Map<number, bigint>> = () => Promise.reject(new Error("status view is not connected"))
  let caughtUpOnce = false
  // The requests clients asked to cancel: few, and asked about before every signature, so
  // kept in memory (filled from the store on start, then from every record applied).
  const cancels = new Set<string>()
  const cancelPrefix = "cancel:"
  const noteCancels = (records: readonly StatusRecord[]) => {
    for (const r of records) if (r.kind === "cancel" && r.target !== undefined) cancels.add(r.target)
  }
  const fillCancels = () => {
    cancels.clear()
    for (const id of store.idsOfKind("cancel")) if (id.startsWith(cancelPrefix)) cancels.add(id.slice(cancelPrefix.length))
  }

  const view: StatusView = {
    store,
    get: (id) => store.get(id),
    highestNonce: (sender) => store.highestNonce(sender),
    awaitingConfirmation: (partitions) => store.awaitingConfirmation(partitions),
    awaitingOfSender: (sender) => store.awaitingOfSender(sender),
    awaitingRecordedIn: (partition, before) => store.awaitingRecordedIn(partition, before),
    applyLocal: (records) => {
      store.applyMany(records)
      noteCancels(records)
    },
    applyCommitted: (records) => {
      const texts = records.map(encodeStatus)
      store.applyMany(records, texts)
      noteCancels(records)
      for (let i = 0; i < records.length; i++) readBack.note((records[i] as StatusRecord).id, texts[i] as string)
    },
    cancelRequested: (id) => cancels.has(id),
    ready: () => caughtUpOnce,
    catchUp: async (partitions) => progress.waitFor(await endOffsets(), partitions),
  }

  const init = Effect.gen(function* () {
    // On a stop (a shutdown comes to this actor last), what the writer thread still holds goes to the file.
    yield* Effect.addFinalizer(() => Effect.sync(() => store.flush()))
    const cluster = makeCluster(kafkaOptionsFrom(ctx.config, ctx.host.name))
    const admin = yield* scopedAdmin(cluster)
    yield* ensureTopics(cluster, admin, gatewayTopics(ctx.config))
    endOffsets = async () => {
      const offsets = await admin.fetchTopicOffsets(topic)
      return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]))
    }
    // Resume where the store stopped, if it was filled from this cluster's topic and the
    // topic still holds every record after its positions.
    const { clusterId } = yield* kafkaCall(cluster, "admin.describeCluster", () => admin.describeCluster())
    const bounds = yield* kafkaCall(cluster, "admin.fetchTopicOffsets", () => admin.fetchTopicOffsets(topic))
    const otherSource = store.claimSource(`${clusterId}/${topic}`)
    const stale = positionsToDiscard(
      store.readPositions(topic),
      bounds.map((b) => ({ partition: b.partition, low: BigInt(b.low), high: BigInt(b.high) })),
    )
    if (otherSource || stale !== undefined) {
      log.warn(statusViewEvents.reset, { path, reason: otherSource ? `the store was filled from another cluster or topic than ${clusterId}/${topic}` : stale })
      store.clear()
      readBack.clear()
      store.claimSource(`${clusterId}/${topic}`)
      progress.reset()
    }
    fillCancels()
    const resumeAt = store.readPositions(topic)
    for (const [partition, next] of resumeAt) progress.advance(partition, next)
    log.info(statusViewEvents.opened, { path, resumed: resumeAt.size > 0, records: store.size() })
    // A group of its own per start, reading everything and committing nothing: every host
    // needs the whole view, and the compacted topic is the state.
    const consumer = yield* scopedConsumer(cluster, {
      groupId: `${ctx.config.kafka.consumer.group_id}-view-${ctx.host.name}-${randomUUID().slice(0, 8)}`,
      sessionTimeoutMs: ctx.config.kafka.consumer.session_timeout_ms,
      heartbeatIntervalMs: ctx.config.kafka.consumer.heartbeat_interval_ms,
      maxBytesPerPartition: ctx.config.kafka.consumer.max_bytes_per_partition,
    })
    // What the consumer reads goes to the store through the view's actor, in the order read
    // (see view-updates.ts); the end-of-batch event comes after its batch was sent.
    const updates = yield* makeViewUpdates({ store, progress, topic, applied: noteCancels })
    onBatchProcessed(consumer, (batch) => {
      if (batch.topic !== topic) return
      Effect.runFork(sendUpdate(updates, { _tag: "read-to", partition: batch.partition, next: batch.next }))
    })
    // Each time the group is joined (the start, and any rebalance), partitions already read
    // go on from where they were read to; the rest start from the beginning. The event
    // comes before the first fetch, so nothing is read twice.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const partition of progress.partitions()) consumer.seek({ topic, partition, offset: progress.position(partition).toString() })
    })
    yield* kafkaCall(cluster, "consumer.subscribe", () => consumer.subscribe({ topic, fromBeginning: true }))
    yield* kafkaCall(cluster, "consumer.run", () =>
      consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: 4,
        eachBatch: async ({ batch }) => {
          // A tombstone's request is gone from the topic, so from here too (a `remove` change).
          const { changes, unreadable, skipped } = changesOf(batch.messages, readBack.take)
          if (skipped > 0) readBackSkipped.inc(undefined, skipped)
          for (const offset of unreadable) log.warn(statusViewEvents.unreadable, { partition: batch.partition, offset })
          await Effect.runPromise(sendUpdate(updates, { _tag: "batch", changes }))
        },
      }),
    )

    // Catching up runs in the background: the intake accepts requests meanwhile (only
    // its status answers lag), and a consumer awaits `catchUp()` before its first batch.
    const started = performance.now()
    const catchUpThenSweep = Effect.gen(function* () {
      // A failed catch-up restarts the actor; the reason names the topic and Kafka's error.
      yield* Effect.tryPromise({
        try: () => view.catchUp(),
        catch: (cause) => new Error(`the status view could not catch up with ${topic}: ${describe(cause)}`),
      }).pipe(Effect.orDie)
      caughtUpOnce = true
      log.info(statusViewEvents.caughtUp, { records: store.size(), ms: Math.round(performance.now() - started) })
      if (settings.retentionDays === undefined) return yield* Effect.never
      return yield* sweepForever({
        cluster,
        admin,
        store,
        retentionDays: settings.retentionDays,
        topics: { requests: ctx.config.kafka.topics.requests, results: topic },
        log,
        expired,
      })
    })
    return Effect.all([updates.loop, catchUpThenSweep], { concurrency: "unbounded", discard: true })
  })

  return { view, spec: { id: "status-view", init, restart: "permanent", shutdownMs: 5_000 } }
}
