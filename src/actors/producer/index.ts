/**
 * producer: owns the Kafka producer (acks=all, see kafka/sendto-publisher.ts) and the
 * listener of the HTTP intake (src/intake/), whose deps it wires: the request publisher,
 * the status view, the webhook book, the backlog and its Kafka readiness. On start it
 * connects, creates the topics that are missing, and only then listens, so the intake is
 * never up without a way to make a request durable. Its readiness check
 * ("producer.kafka") follows a metadata probe and its own sends. Stopping closes the
 * listener first (in-flight requests finish), then the producer.
 */
import { Effect } from "effect"
import { scopedSendtoPublisher } from "../../kafka/sendto-publisher.ts"
import { brokerCount, ensureTopics, makeCluster, scopedAdmin } from "../../adapters/kafka.ts"
import { scopedHttpServer } from "../../adapters/http-server.ts"
import { postWebhook } from "../../adapters/webhook-http.ts"
import { describe } from "../../adapters/errors.ts"
import { encodeStatus } from "../../domain/wire.ts"
import { kafkaOptionsFrom } from "../../host/connections.ts"
import type { HostContext } from "../../host/host-context.ts"
import { defaultAcceptTimeoutMs } from "../../config/gateway-config.ts"
import { failCheckOnStop } from "../../host/check-on-stop.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import type { StatusView } from "../status-view/index.ts"
import type { ReadService } from "../../reads/read-service.ts"
import { type PartitionBacklog, pollBacklog, pollTopicSize } from "../../kafka/backlog.ts"
import type { IntakeMount } from "../../intake/intake-mount.ts"
import { apiKeysFrom, presentedOwner, requireApiKey } from "../../intake/api-key.ts"
import { producerEvents, producerMetrics } from "./events.ts"
import { probeKafka, producerKafkaCheck, sendReportTo } from "./kafka-reachability.ts"
import { makeIntakeApp } from "../../intake/intake-app.ts"
import { makeRequestPublisher } from "../../kafka/request-publisher.ts"
import { gatewayTopics, webhooksTopicOf } from "../../kafka/topics.ts"
import { webhookSettingsOf } from "../../config/gateway-config.ts"
import type { WebhookBookView } from "../webhook-book/index.ts"
import { hostShare, type KeyLimiter, makeKeyLimiter } from "../../intake/rate-limit.ts"

/** This host's share of `[intake].rate_limit_rps` and `_burst`, split evenly over the config's producer hosts; undefined without a limit. */
export const rateLimiterOf = (c: HostContext["config"]): KeyLimiter | undefined => {
  const rps = c.intake.rate_limit_rps
  if (rps === undefined) return undefined
  const share = hostShare(rps, c.intake.rate_limit_burst ?? rps, c.hosts.filter((h) => h.roles.includes("producer")).length)
  return makeKeyLimiter(share.ratePerS, share.burst)
}

/** Builds the producer actor for this host; `mounts` add routes to its intake (the operations page). */
export const producer = (ctx: HostContext, version: string, view: StatusView, reads?: ReadService, hooks?: WebhookBookView, mounts: readonly IntakeMount[] = []): ChildSpec => {
  const log = ctx.log.forActor("producer")
  const m = producerMetrics(ctx.metrics)
  const c = ctx.config
  const probeTimeoutMs = c.kafka.connection_timeout_ms
  const kafkaCheck = producerKafkaCheck(ctx.readiness, probeTimeoutMs)
  const init = Effect.gen(function* () {
    let connected = false
    let backlog = 0
    let partitions: { readonly list: readonly PartitionBacklog[]; readonly at: number | undefined } = { list: [], at: undefined }
    let dlqMessages: number | undefined
    yield* failCheckOnStop(kafkaCheck, "the producer actor")
    const cluster = makeCluster(kafkaOptionsFrom(c, ctx.host.name))
    const admin = yield* scopedAdmin(cluster)
    m.kafkaBrokers.set(yield* brokerCount(cluster, admin))
    const created = yield* ensureTopics(cluster, admin, gatewayTopics(c))
    if (created.length > 0) log.info(producerEvents.topicsCreated, { topics: created })
    const publisher = yield* scopedSendtoPublisher(cluster)
    const report = sendReportTo(kafkaCheck)
    let unlogged = 0
    let loggedAt = 0
    const sends = {
      acked: report.acked,
      failed: (cause: unknown) => {
        report.failed(cause)
        m.sendFailures.inc()
        unlogged += 1
        if (Date.now() - loggedAt < 5_000) return
        log.warn(producerEvents.sendFailed, { failures: unlogged, last: describe(cause), effect: "the same records are sent again from a new producer until acked" })
        unlogged = 0
        loggedAt = Date.now()
      },
    }
    const publish = makeRequestPublisher(publisher, { requests: c.kafka.topics.requests }, view.applyLocal, sends)
    yield* Effect.forkScoped(pollBacklog(cluster, admin, c.kafka.topics.requests, c.kafka.consumer.group_id, (n) => { backlog = n }, (list) => { partitions = { list, at: Date.now() } }))
    if (mounts.length > 0) yield* Effect.forkScoped(pollTopicSize(cluster, admin, c.kafka.topics.dlq, (n) => { dlqMessages = n }))
    kafkaCheck.pass()
    yield* Effect.forkScoped(probeKafka(cluster, admin, kafkaCheck, probeTimeoutMs, (n) => m.kafkaBrokers.set(n)))
    connected = true
    const apiKeys = apiKeysFrom(ctx.env[c.intake.api_keys_env])
    const limiter = rateLimiterOf(c)
    if (apiKeys.size === 0) log.warn(producerEvents.noApiKeys, { variable: c.intake.api_keys_env, effect: "every /v1 request is refused with 401" })
    const app = makeIntakeApp({
      version,
      metrics: ctx.metrics,
      // Refuse up front (nothing sent, so "not accepted") while the probe says Kafka is unreachable.
      ready: () => connected && kafkaCheck.read().ok,
      readiness: ctx.readiness.report,
      publish,
      requestCancel: async (record) => {
        await publisher.publish([{ topic: c.kafka.topics.results, key: record.id, value: encodeStatus(record) }], sends.failed)
        view.applyCommitted([record])
      },
      status: view.store,
      apiKeys,
      apiKeysEnv: c.intake.api_keys_env,
      limits: { maxBodyBytes: c.intake.max_body_bytes, maxBatchItems: c.intake.max_batch_items, retryAfterS: c.intake.retry_after_s, backlogBreaker: c.intake.backlog_breaker, acceptTimeoutMs: c.intake.accept_timeout_ms ?? defaultAcceptTimeoutMs },
      backlog: () => backlog,
      bitcoinNetwork: c.chains.bitcoin.network,
      bitcoinDefaultAccount: c.chains.bitcoin.account,
      ethereumChainId: c.chains.ethereum.chain_id,
      ...(reads === undefined ? {} : { reads }),
      ...(limiter === undefined ? {} : { rateLimit: limiter }),
      ...(hooks === undefined
        ? {}
        : {
            webhooks: {
              book: hooks.book,
              ready: hooks.ready,
              applyLocal: hooks.applyLocal,
              maxPerKey: webhookSettingsOf(c.webhooks).maxPerKey,
              write: (records) => publisher.publish(records.map((r) => ({ topic: webhooksTopicOf(c), key: r.key, value: r.value }))),
              post: postWebhook,
              deliveryTimeoutMs: webhookSettingsOf(c.webhooks).timeoutMs,
            },
          }),
      mounts: mounts.map((mount) => mount({
        backlog: () => ({ topic: c.kafka.topics.requests, group: c.kafka.consumer.group_id, partitions: partitions.list, readAt: partitions.at }),
        dlqMessages: () => dlqMessages,
        requireKey: requireApiKey(apiKeys, c.intake.api_keys_env),
        ownerOf: presentedOwner,
      })),
    })
    const server = yield* scopedHttpServer(app, c.intake.listen)
    yield* Effect.addFinalizer(() => Effect.sync(() => { connected = false }))
    log.info(producerEvents.listening, { url: server.url })
    return Effect.never
  })
  return { id: "producer", init, restart: "permanent", shutdownMs: 10_000 }
}
