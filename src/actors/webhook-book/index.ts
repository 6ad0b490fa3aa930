/**
 * webhook-book: keeps this host's `WebhookBook` (src/webhooks/) in step with the
 * compacted webhooks topic: the registrations the intake answers `GET /v1/webhooks`
 * from, and the notifier routes status changes by; and the parked deliveries. Like the
 * status view it reads the whole topic in a consumer group of its own per start and
 * commits nothing (every host needs all of it, and the compacted topic is the state);
 * unlike it, it keeps nothing on disk, because the topic is small.
 *
 * `catchUp()` resolves once every record written before the call has been applied. The
 * notifier calls it before each batch of status records, so a webhook registered before
 * a status change is always in the book when that change is routed.
 */
import { randomUUID } from "node:crypto"
import { Effect } from "effect"
import { describe } from "../../adapters/errors.ts"
import { ensureTopics, kafkaCall, makeCluster, scopedAdmin, scopedConsumer } from "../../adapters/kafka.ts"
import { onBatchProcessed } from "../../adapters/kafka-transactions.ts"
import { kafkaOptionsFrom } from "../../host/connections.ts"
import type { HostContext } from "../../host/host-context.ts"
import { makeReadProgress } from "../../kafka/read-progress.ts"
import { gatewayTopics, webhooksTopicOf } from "../../kafka/topics.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import { decodeWebhookEntry, type WebhookEntry } from "../../webhooks/registration.ts"
import { makeWebhookBook, type WebhookBook } from "../../webhooks/webhook-book.ts"
import { webhookBookEvents, webhookBookMetrics } from "./events.ts"

export { webhookBookEvents } from "./events.ts"

/** The book as the rest of the host uses it. */
export interface WebhookBookView {
  readonly book: WebhookBook
  /** Applies entries this host just wrote (and Kafka acked), before they come back from the topic. */
  readonly applyLocal: (entries: readonly WebhookEntry[]) => void
  /** Resolves once every record written to the topic before the call has been applied. */
  readonly catchUp: () => Promise<void>
  /** True once the first catch-up after start has completed. */
  readonly ready: () => boolean
}

/** Builds the book and its actor. The book outlives restarts of the actor (a restart reads the topic again over it). */
export const webhookBook = (ctx: HostContext): { readonly view: WebhookBookView; readonly spec: ChildSpec } => {
  const log = ctx.log.forActor("webhook-book")
  const metrics = webhookBookMetrics(ctx.metrics)
  const topic = webhooksTopicOf(ctx.config)
  const book = makeWebhookBook()
  let progress = makeReadProgress()
  let endOffsets: () => Promise<Map<number, bigint>> = () => Promise.reject(new Error("the webhook book is not connected to Kafka yet"))
  let caughtUpOnce = false
  const gauges = () => {
    metrics.registered.set(book.size())
    metrics.parked.set(book.parkedCount())
  }

  const view: WebhookBookView = {
    book,
    applyLocal: (entries) => {
      for (const entry of entries) book.apply(entry)
      gauges()
    },
    catchUp: async () => progress.waitFor(await endOffsets()),
    ready: () => caughtUpOnce,
  }

  const init = Effect.gen(function* () {
    const cluster = makeCluster(kafkaOptionsFrom(ctx.config, ctx.host.name))
    const admin = yield* scopedAdmin(cluster)
    yield* ensureTopics(cluster, admin, gatewayTopics(ctx.config))
    // A restarted actor reads the topic from the beginning again, into the same book.
    const mine = makeReadProgress()
    progress = mine
    endOffsets = async () => {
      const offsets = await admin.fetchTopicOffsets(topic)
      return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]))
    }
    const consumer = yield* scopedConsumer(cluster, {
      groupId: `${ctx.config.kafka.consumer.group_id}-webhooks-${ctx.host.name}-${randomUUID().slice(0, 8)}`,
      sessionTimeoutMs: ctx.config.kafka.consumer.session_timeout_ms,
      heartbeatIntervalMs: ctx.config.kafka.consumer.heartbeat_interval_ms,
      maxBytesPerPartition: ctx.config.kafka.consumer.max_bytes_per_partition,
    })
    onBatchProcessed(consumer, (batch) => {
      if (batch.topic === topic) mine.advance(batch.partition, batch.next)
    })
    yield* kafkaCall(cluster, "consumer.subscribe", () => consumer.subscribe({ topic, fromBeginning: true }))
    yield* kafkaCall(cluster, "consumer.run", () =>
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const key = m.key?.toString()
            const decoded = key === undefined ? { ok: false as const, problem: "a record without a key" } : decodeWebhookEntry(key, m.value === null ? null : m.value.toString())
            if (decoded.ok) book.apply(decoded.value)
            else log.warn(webhookBookEvents.unreadable, { partition: batch.partition, offset: m.offset, problem: decoded.problem })
          }
          gauges()
        },
      }),
    )
    const started = performance.now()
    return Effect.gen(function* () {
      yield* Effect.tryPromise({
        try: () => view.catchUp(),
        catch: (cause) => new Error(`the webhook book could not catch up with ${topic}: ${describe(cause)}`),
      }).pipe(Effect.orDie)
      caughtUpOnce = true
      log.info(webhookBookEvents.caughtUp, { webhooks: book.size(), parked: book.parkedCount(), ms: Math.round(performance.now() - started) })
      return yield* Effect.never
    })
  })

  return { view, spec: { id: "webhook-book", init, restart: "permanent", shutdownMs: 5_000 } }
}
