/**
 * status-view: reads the compacted `sendto.results` topic from the beginning into an
 * embedded store (bun:sqlite), so that this host can answer status queries and its
 * consumers can tell whether a request was already carried out. It starts before the
 * consumer and producer roles; `catchUp()` waits until it has read every record written
 * before the call, which a consumer does before touching a newly assigned partition.
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
 *   records, and a partition that ends with a commit or abort marker ends with one.
 */
import { randomUUID } from "node:crypto"
import { Effect } from "effect"
import { describe } from "../../adapters/errors.ts"
import { ensureTopics, kafkaCall, makeCluster, scopedAdmin, scopedConsumer } from "../../adapters/kafka.ts"
import { onBatchProcessed } from "../../adapters/kafka-transactions.ts"
import { kafkaOptionsFrom } from "../../app/connections.ts"
import type { HostContext } from "../../app/host-context.ts"
import type { StatusRecord } from "../../domain/status.ts"
import { openStatusStore, type StatusStore } from "../../intake/status-store.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import { gatewayTopics } from "../../kafka/topics.ts"
import { makeReadProgress } from "./read-progress.ts"
import { makeViewIndex, type ViewIndex } from "./view-index.ts"

/** The view as the rest of the host uses it. */
export interface StatusView {
  /** The latest record of a request (or an executor record) this host has read. */
  readonly get: (id: string) => StatusRecord | undefined
  /** The highest nonce recorded for an Ethereum sender. */
  readonly highestNonce: (sender: string) => number | undefined
  readonly store: StatusStore
  readonly index: ViewIndex
  /** Applies records this host just wrote, before they come back from Kafka. */
  readonly applyLocal: (records: readonly StatusRecord[]) => void
  /**
   * Resolves once every record committed to `sendto.results` before the call has been
   * read: of every partition, or of `partitions` only (an executor waits for its own).
   */
  readonly catchUp: (partitions?: ReadonlySet<number>) => Promise<void>
  /** True once the first catch-up after start has completed. */
  readonly ready: () => boolean
}

/** Event names this actor logs. */
export const statusViewEvents = { caughtUp: "status-view.caught-up" } as const

/** Builds the view and its actor. The store outlives restarts of the actor. */
export const statusView = (ctx: HostContext): { readonly view: StatusView; readonly spec: ChildSpec } => {
  const log = ctx.log.forActor("status-view")
  const store = openStatusStore()
  const index = makeViewIndex()
  const progress = makeReadProgress()
  let endOffsets: () => Promise<Map<number, bigint>> = () => Promise.reject(new Error("status view is not connected"))
  let caughtUpOnce = false

  const apply = (records: readonly StatusRecord[]) => {
    store.applyMany(records)
    for (const r of records) index.add(r)
  }

  const view: StatusView = {
    store,
    index,
    get: (id) => store.get(id),
    highestNonce: (sender) => index.highestNonce(sender),
    applyLocal: apply,
    ready: () => caughtUpOnce,
    catchUp: async (partitions) => progress.waitFor(await endOffsets(), partitions),
  }

  const topic = ctx.config.kafka.topics.results
  const init = Effect.gen(function* () {
    const cluster = makeCluster(kafkaOptionsFrom(ctx.config, ctx.host.name))
    const admin = yield* scopedAdmin(cluster)
    yield* ensureTopics(cluster, admin, gatewayTopics(ctx.config))
    endOffsets = async () => {
      const offsets = await admin.fetchTopicOffsets(topic)
      return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]))
    }
    // A group of its own per start, reading everything and committing nothing: every host
    // needs the whole view, and the compacted topic is the state.
    const consumer = yield* scopedConsumer(cluster, {
      groupId: `${ctx.config.kafka.consumer.group_id}-view-${ctx.host.name}-${randomUUID().slice(0, 8)}`,
      sessionTimeoutMs: ctx.config.kafka.consumer.session_timeout_ms,
      heartbeatIntervalMs: ctx.config.kafka.consumer.heartbeat_interval_ms,
      maxBytesPerPartition: ctx.config.kafka.consumer.max_bytes_per_partition,
    })
    onBatchProcessed(consumer, (batch) => {
      if (batch.topic === topic) progress.advance(batch.partition, batch.next)
    })
    yield* kafkaCall(cluster, "consumer.subscribe", () => consumer.subscribe({ topic, fromBeginning: true }))
    yield* kafkaCall(cluster, "consumer.run", () =>
      consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: 4,
        eachBatch: async ({ batch }) => {
          const records: StatusRecord[] = []
          for (const m of batch.messages) {
            if (m.value === null) continue
            try {
              records.push(JSON.parse(m.value.toString()) as StatusRecord)
            } catch {
              log.warn("status-view.unreadable-record", { partition: batch.partition, offset: m.offset })
            }
          }
          apply(records)
        },
      }),
    )
    // Catching up runs in the background: the intake accepts requests meanwhile (only
    // its status answers lag), and a consumer awaits `catchUp()` before its first batch.
    const started = performance.now()
    return Effect.gen(function* () {
      // A failed catch-up restarts the actor; the reason names the topic and Kafka's error.
      yield* Effect.tryPromise({
        try: () => view.catchUp(),
        catch: (cause) => new Error(`the status view could not catch up with ${topic}: ${describe(cause)}`),
      }).pipe(Effect.orDie)
      caughtUpOnce = true
      log.info(statusViewEvents.caughtUp, { records: Object.values(store.countByStatus()).reduce((a, b) => a + b, 0), ms: Math.round(performance.now() - started) })
      return yield* Effect.never
    })
  })

  return { view, spec: { id: "status-view", init, restart: "permanent", shutdownMs: 5_000 } }
}
