/**
 * notifier: follows `sendto.results` in a consumer group of its own
 * (`<[kafka.consumer].group_id>.notifier`) and posts each status change to the webhooks
 * of the request's owner that asked for that status, signed (domain/webhook-signature.ts),
 * at least once. It runs on consumer hosts while `[webhooks].enabled`.
 *
 * At least once, across restarts: a record's offset is committed only once every
 * delivery it makes has finished (delivered, parked, or dropped because its webhook was
 * deleted); see commit-position.ts. A crash or SIGKILL reads every unfinished record
 * again and delivers it again. Between the fetch and the commit, deliveries run in the
 * dispatcher (dispatcher.ts), which keeps a failing endpoint from holding the others; a
 * failing endpoint holds only its partition's commit, and once `[webhooks].max_pending`
 * deliveries are unfinished the fetch waits.
 *
 * Before each batch it waits for the webhook book to catch up with the webhooks topic, so
 * a webhook registered before a status change is known when that change is routed. A new
 * group starts at the topic's beginning; a webhook hears only of changes from after its
 * registration (the book's `subscribersOf`), so history is not replayed to it.
 */
import { Effect } from "effect"
import { describe } from "../../adapters/errors.ts"
import { ensureTopics, kafkaCall, makeCluster, scopedAdmin, scopedConsumer } from "../../adapters/kafka.ts"
import { postWebhook } from "../../adapters/webhook-http.ts"
import { kafkaOptionsFrom } from "../../host/connections.ts"
import type { HostContext } from "../../host/host-context.ts"
import { webhookSettingsOf } from "../../config/gateway-config.ts"
import { decodeStatus } from "../../domain/wire.ts"
import { scopedSendtoPublisher } from "../../kafka/sendto-publisher.ts"
import { gatewayTopics, webhooksTopicOf } from "../../kafka/topics.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import { notifierRoomPollMs } from "../../runtime/schedules.ts"
import { eventOf } from "../../webhooks/event-body.ts"
import { encodeParked, parkedKey } from "../../webhooks/registration.ts"
import type { WebhookBookView } from "../webhook-book/index.ts"
import { makeCommitPositions } from "./commit-position.ts"
import { makeDispatcher } from "./dispatcher.ts"
import { notifierEvents, notifierMetrics } from "./events.ts"

export { notifierEvents } from "./events.ts"

/** The notifier's consumer group: shared by every notifier host, apart from the executors' group. */
export const notifierGroupOf = (config: HostContext["config"]): string => `${config.kafka.consumer.group_id}.notifier`

/** How often finished deliveries are turned into committed offsets. */
const commitEveryMs = 500

/** Builds the notifier actor; `hooks` is the host's webhook book. */
export const notifier = (ctx: HostContext, hooks: WebhookBookView): ChildSpec => {
  const log = ctx.log.forActor("notifier")
  const metrics = notifierMetrics(ctx.metrics)
  const settings = webhookSettingsOf(ctx.config.webhooks)
  const topic = ctx.config.kafka.topics.results
  const group = notifierGroupOf(ctx.config)

  const init = Effect.gen(function* () {
    const cluster = makeCluster(kafkaOptionsFrom(ctx.config, ctx.host.name))
    const admin = yield* scopedAdmin(cluster)
    yield* ensureTopics(cluster, admin, gatewayTopics(ctx.config))
    const publisher = yield* scopedSendtoPublisher(cluster)
    const positions = makeCommitPositions()
    const lastFailureLog = new Map<string, number>()
    const dispatcher = makeDispatcher({
      settings,
      book: hooks.book,
      post: postWebhook,
      metrics,
      park: async (parked) => {
        await publisher.publish([{ topic: webhooksTopicOf(ctx.config), key: parkedKey(parked.webhook_id, parked.event_id), value: encodeParked(parked) }])
        hooks.applyLocal([{ _tag: "parked", webhookId: parked.webhook_id, eventId: parked.event_id, parked }])
      },
      onAttemptFailed: (webhook, delivery, outcome, attempts) => {
        const last = lastFailureLog.get(webhook.id) ?? 0
        if (Date.now() - last < 10_000) return
        lastFailureLog.set(webhook.id, Date.now())
        log.warn(notifierEvents.attemptFailed, { webhook: webhook.id, event_id: delivery.event.id, attempts, outcome: outcome._tag, ...("status" in outcome ? { status: outcome.status } : {}) })
      },
      onParked: (parked) => log.warn(notifierEvents.parked, { webhook: parked.webhook_id, event_id: parked.event_id, attempts: parked.attempts, last_error: parked.last_error }),
      onParkWriteFailed: (delivery, cause) => log.warn(notifierEvents.parkWriteFailed, { webhook: delivery.webhookId, event_id: delivery.event.id, error: describe(cause), effect: "written again until Kafka acks; the record's offset is not committed meanwhile" }),
    })
    yield* Effect.addFinalizer(() => Effect.sync(() => dispatcher.stop()))

    const consumer = yield* scopedConsumer(cluster, {
      groupId: group,
      sessionTimeoutMs: ctx.config.kafka.consumer.session_timeout_ms,
      heartbeatIntervalMs: ctx.config.kafka.consumer.heartbeat_interval_ms,
      maxBytesPerPartition: ctx.config.kafka.consumer.max_bytes_per_partition,
    })
    // After each join kafkajs fetches every assigned partition from its committed offset
    // again (its offset manager is made anew per generation), so what was tracked before is
    // forgotten; deliveries still running finish, and their records are read again.
    consumer.on(consumer.events.GROUP_JOIN, () => positions.reset())

    const commit = async () => {
      const due = positions.toCommit()
      if (due.length === 0) return
      try {
        await consumer.commitOffsets(due.map((d) => ({ topic, partition: d.partition, offset: d.offset.toString() })))
        for (const d of due) positions.committed(d.partition, d.offset)
      } catch (cause) {
        log.warn(notifierEvents.commitFailed, { error: describe(cause), effect: "committed again on the next round; a restart meanwhile delivers those events again" })
      }
    }
    // On a stop, what finished is committed before the consumer leaves the group (finalizers run in reverse).
    yield* Effect.addFinalizer(() => Effect.promise(() => commit()))

    yield* kafkaCall(cluster, "consumer.subscribe", () => consumer.subscribe({ topic, fromBeginning: true }))
    yield* kafkaCall(cluster, "consumer.run", () =>
      consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: 4,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
          await hooks.catchUp()
          for (const m of batch.messages) {
            if (!isRunning() || isStale()) return
            const offset = BigInt(m.offset)
            // A tombstone, or no webhook registered anywhere (the common case): nothing to post, nothing to parse.
            if (m.value === null || hooks.book.size() === 0) {
              positions.track(batch.partition, offset, 0)
              continue
            }
            const decoded = decodeStatus(m.value.toString())
            if (!decoded.ok) {
              log.warn(notifierEvents.unreadable, { partition: batch.partition, offset: m.offset, problem: decoded.problem })
              positions.track(batch.partition, offset, 0)
              continue
            }
            const subscribers = hooks.book.subscribersOf(decoded.value)
            const tracked = positions.track(batch.partition, offset, subscribers.length)
            if (subscribers.length === 0) continue
            const event = eventOf(decoded.value)
            const body = JSON.stringify(event)
            const readAt = Date.now()
            for (const webhook of subscribers) dispatcher.enqueue({ webhookId: webhook.id, event, body, readAt }, () => positions.finish(tracked))
            metrics.pending.set(positions.pending())
            // Bounded: past max_pending unfinished deliveries, the fetch waits (heartbeating) for some to finish.
            if (positions.pending() >= settings.maxPending) {
              log.warn(notifierEvents.full, { pending: positions.pending(), max_pending: settings.maxPending })
              while (positions.pending() >= settings.maxPending && isRunning() && !isStale()) {
                await new Promise((resolve) => setTimeout(resolve, notifierRoomPollMs))
                await heartbeat()
              }
            }
          }
        },
      }),
    )
    log.info(notifierEvents.started, { group, topic, retry_for_s: settings.retryForMs / 1000, timeout_ms: settings.timeoutMs })
    return Effect.gen(function* () {
      for (;;) {
        yield* Effect.sleep(commitEveryMs)
        metrics.pending.set(positions.pending())
        yield* Effect.promise(() => commit())
      }
    })
  })

  return { id: "notifier", init, restart: "permanent", shutdownMs: 5_000 }
}
