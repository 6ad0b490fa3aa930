/**
 * One host's status view on the real brokers, for the tests that give it a results topic
 * of their own: the test's topics created and deleted again, a host context on
 * config/local.toml with those topics, a consumer group and `[status]` of the test's,
 * and the view run as a host runs it and stopped as a shutdown stops it.
 */
import { Effect, Fiber } from "effect"
import type { Producer } from "kafkajs"
import { statusView, type StatusView } from "../../src/actors/status-view/index.ts"
import type { KafkaAdmin, KafkaCluster } from "../../src/adapters/kafka.ts"
import type { GatewayConfig } from "../../src/config/gateway-config.ts"
import type { HostContext } from "../../src/host/host-context.ts"
import { makeReadiness } from "../../src/host/readiness.ts"
import type { Logger } from "../../src/observability/log.ts"
import { makeMetrics } from "../../src/observability/metrics.ts"
import { connectedAdmin, createTopics, deleteTopics, testCluster } from "./kafka-fixtures.ts"

/** The test's own topics. */
export interface TestTopics {
  readonly requests: string
  readonly results: string
  readonly dlq: string
}

/** `<tag>-requests`, `<tag>-results` and `<tag>-dlq`. */
export const ownTopics = (tag: string): TestTopics => ({ requests: `${tag}-requests`, results: `${tag}-results`, dlq: `${tag}-dlq` })

/** A cluster handle, an admin client and a plain producer on the local brokers, where the test's topics exist until `close`. */
export interface OwnKafka {
  readonly cluster: KafkaCluster
  readonly admin: KafkaAdmin
  /** For records written behind the view's back, as another host would write them. */
  readonly producer: Producer
  /** Disconnects the producer, deletes the topics and disconnects the admin client. */
  readonly close: () => Promise<void>
}

/** Creates `topics` with `partitions` partitions each, through a cluster handle whose client id is `tag`. */
export const createOwnTopics = async (tag: string, topics: TestTopics, partitions: number): Promise<OwnKafka> => {
  const cluster = await testCluster(tag)
  const admin = await connectedAdmin(cluster)
  await createTopics(cluster, admin, Object.values(topics), partitions)
  const producer = cluster.client.producer()
  await producer.connect()
  return {
    cluster,
    admin,
    producer,
    close: async () => {
      await producer.disconnect()
      await deleteTopics(admin, Object.values(topics))
      await admin.disconnect()
    },
  }
}

/** What a test changes in the local config. */
export interface ViewHostOptions {
  readonly topics: TestTopics
  readonly partitions: number
  readonly groupId: string
  /** `[status]` (absent: the local config's). */
  readonly status?: GatewayConfig["status"]
  readonly log: Logger
}

/** The context of the local config's first host, on the test's topics, group and `[status]`. */
export const viewHostContext = (base: GatewayConfig, o: ViewHostOptions): HostContext => {
  const config: GatewayConfig = {
    ...base,
    kafka: { ...base.kafka, topics: { ...base.kafka.topics, ...o.topics, partitions: o.partitions }, consumer: { ...base.kafka.consumer, group_id: o.groupId } },
    ...(o.status === undefined ? {} : { status: o.status }),
  }
  const host = config.hosts[0]
  if (host === undefined) throw new Error("config/local.toml has no [[hosts]]")
  return { config, host, log: o.log, metrics: makeMetrics(), env: process.env, readiness: makeReadiness() }
}

/** A running status view. */
export interface RunningView {
  readonly view: StatusView
  /** Interrupts the view, as a host's shutdown does, and closes its store. */
  readonly stop: () => Promise<void>
}

/** Starts the status view of `ctx`, as a host starts it. */
export const startStatusView = (ctx: HostContext): RunningView => {
  const built = statusView(ctx)
  const running = Effect.runFork(Effect.scoped(Effect.flatMap(built.spec.init, (loop) => loop)))
  return {
    view: built.view,
    stop: async () => {
      await Effect.runPromise(Fiber.interrupt(running))
      built.view.store.close()
    },
  }
}
