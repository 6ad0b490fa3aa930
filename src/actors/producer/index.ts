/**
 * producer: owns the Kafka producer (idempotent, acks=all) and the HTTP intake. On
 * start it connects, creates the topics that are missing, and only then listens, so
 * the intake is never up without a way to make a request durable. Stopping closes the
 * listener first (in-flight requests finish), then the producer.
 */
import { Effect } from "effect"
import { brokerCount, ensureTopics, makeCluster, scopedAdmin, scopedProducer } from "../../adapters/kafka.ts"
import { scopedHttpServer } from "../../adapters/http-server.ts"
import { kafkaOptionsFrom } from "../../app/connections.ts"
import type { HostContext } from "../../app/host-context.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import { producerEvents, producerMetrics } from "./events.ts"
import { makeIntakeApp } from "./intake-app.ts"
import { gatewayTopics } from "./topics.ts"

export { makeIntakeApp } from "./intake-app.ts"

/** Builds the producer actor for this host. */
export const producer = (ctx: HostContext, version: string): ChildSpec => {
  const log = ctx.log.forActor("producer")
  const m = producerMetrics(ctx.metrics)
  const init = Effect.gen(function* () {
    let ready = false
    const cluster = makeCluster(kafkaOptionsFrom(ctx.config, ctx.host.name))
    const admin = yield* scopedAdmin(cluster)
    m.kafkaBrokers.set(yield* brokerCount(cluster, admin))
    const created = yield* ensureTopics(cluster, admin, gatewayTopics(ctx.config))
    if (created.length > 0) log.info(producerEvents.topicsCreated, { topics: created })
    yield* scopedProducer(cluster)
    ready = true
    const app = makeIntakeApp({ version, metrics: ctx.metrics, ready: () => ready })
    const server = yield* scopedHttpServer(app, ctx.config.intake.listen)
    yield* Effect.addFinalizer(() => Effect.sync(() => { ready = false }))
    log.info(producerEvents.listening, { url: server.url })
    return Effect.never
  })
  return { id: "producer", init, restart: "permanent", shutdownMs: 10_000 }
}
