/**
 * One host's status view on the real brokers, for the tests that give it a results topic
 * of their own: a host context on config/local.toml with the test's topics, consumer group
 * and `[status]`, and the view run as a host runs it and stopped as a shutdown stops it.
 */
import { Effect, Fiber } from "effect"
import { statusView, type StatusView } from "../../src/actors/status-view/index.ts"
import type { GatewayConfig } from "../../src/config/gateway-config.ts"
import type { HostContext } from "../../src/host/host-context.ts"
import { makeReadiness } from "../../src/host/readiness.ts"
import type { Logger } from "../../src/observability/log.ts"
import { makeMetrics } from "../../src/observability/metrics.ts"

/** The test's own topics. */
export interface TestTopics {
  readonly requests: string
  readonly results: string
  readonly dlq: string
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
