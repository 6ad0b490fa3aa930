/**
 * partition-consumer: the consumer-group member of this host. At this stage it connects
 * to the group coordinator and checks that the requests topic exists with the
 * configured partition count, so a host with a wrong config fails at start rather than
 * at the first message. Consuming (one supervised actor per assigned partition) builds
 * on this.
 */
import { Data, Effect } from "effect"
import { ensureTopics, kafkaCall, makeCluster, scopedAdmin, scopedConsumer } from "../../adapters/kafka.ts"
import { kafkaOptionsFrom } from "../../app/connections.ts"
import type { HostContext } from "../../app/host-context.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import type { NodeThrottle } from "../node-throttler/index.ts"
import { gatewayTopics } from "../producer/topics.ts"

/** The requests topic is missing or has another partition count than the config says. */
export class TopicMismatch extends Data.TaggedError("TopicMismatch")<{ readonly topic: string; readonly expected: number; readonly found: number }> {
  override get message() {
    return `topic ${this.topic} has ${this.found} partitions, config says ${this.expected}; fix [kafka.topics].partitions to match, or recreate the topic`
  }
}

/** Event names this actor logs. */
export const partitionConsumerEvents = { joined: "partition-consumer.joined" } as const

/** Builds the consumer-group actor; `throttles` are the node throttles it will call through. */
export const partitionConsumer = (ctx: HostContext, throttles: readonly NodeThrottle[]): ChildSpec => {
  const log = ctx.log.forActor("partition-consumer")
  const k = ctx.config.kafka
  const init = Effect.gen(function* () {
    const cluster = makeCluster(kafkaOptionsFrom(ctx.config, ctx.host.name))
    const admin = yield* scopedAdmin(cluster)
    // Whichever role starts first creates the topics; creating is idempotent.
    yield* ensureTopics(cluster, admin, gatewayTopics(ctx.config))
    const meta = yield* kafkaCall(cluster, "admin.fetchTopicMetadata", () => admin.fetchTopicMetadata({ topics: [k.topics.requests] }))
    const found = meta.topics[0]?.partitions.length ?? 0
    if (found !== k.topics.partitions) return yield* new TopicMismatch({ topic: k.topics.requests, expected: k.topics.partitions, found })
    yield* scopedConsumer(cluster, {
      groupId: k.consumer.group_id,
      sessionTimeoutMs: k.consumer.session_timeout_ms,
      heartbeatIntervalMs: k.consumer.heartbeat_interval_ms,
      maxBytesPerPartition: k.consumer.max_bytes_per_partition,
    })
    log.info(partitionConsumerEvents.joined, { group: k.consumer.group_id, topic: k.topics.requests, partitions: found, nodes: throttles.map((t) => t.name) })
    return Effect.never
  })
  return { id: "partition-consumer", init, restart: "permanent", shutdownMs: 15_000 }
}
