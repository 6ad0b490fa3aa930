/**
 * Runs one host's actor tree until SIGTERM or SIGINT, then drains it. Lifecycle events
 * are logged as structured lines; a final `gateway.ready` line says how long the host
 * took from process start until every actor reported started.
 */
import { Effect, Layer } from "effect"
import type { GatewayConfig } from "../config/gateway-config.ts"
import { makeReadiness } from "../host/readiness.ts"
import type { Role } from "../config/role.ts"
import { makeLogger, type Logger } from "../observability/log.ts"
import { makeMetrics } from "../observability/metrics.ts"
import { monitorEventLoopDelay } from "../observability/event-loop-delay.ts"
import { registerProcessMetrics } from "../observability/process-metrics.ts"
import { processSignals, runMain } from "../runtime/drain.ts"
import { exitWithParent } from "../runtime/parent-watch.ts"
import { lifecycleEventNames, LifecycleEvents, makeLifecycleBus, toLogRecord, type LifecycleEvent } from "../runtime/events.ts"
import type { ChildSpec } from "../runtime/child-spec.ts"
import type { HostContext } from "../host/host-context.ts"
import { gatewayEvents } from "./events.ts"
import { hostTree } from "./host-tree.ts"
import { VERSION } from "./version.ts"

/** What `gateway run` hands over once argv and the config are validated. */
export interface RunGatewayOptions {
  readonly configPath: string
  readonly config: GatewayConfig
  readonly host: string
  readonly roles: readonly Role[]
}

const levelOf = (event: LifecycleEvent) => (event._tag === "failed" || event._tag === "escalated" ? "warn" : "info")

/**
 * A bus that writes every lifecycle event to the log as it is published (synchronously,
 * so the last "stopped" lines are written before the process exits), then passes it on
 * to subscribers.
 */
const loggedBus = (log: Logger) =>
  Layer.effect(
    LifecycleEvents,
    Effect.map(makeLifecycleBus, (bus) => ({
      subscribe: bus.subscribe,
      publish: (event: LifecycleEvent) =>
        Effect.suspend(() => {
          // The line is named from the table; the record's own copy of the name is left out.
          const { event: _name, ...fields } = toLogRecord(event)
          log.log(levelOf(event), lifecycleEventNames[event._tag], fields)
          return bus.publish(event)
        }),
    })),
  )

/** Started after every child the roles serve with (see hostTree), so its init marks readiness. */
const readyMarker = (log: Logger, roles: readonly Role[]): ChildSpec => ({
  id: "ready",
  restart: "temporary",
  shutdownMs: 100,
  init: Effect.sync(() => {
    log.info(gatewayEvents.ready, { roles: roles.join(","), ms_since_start: Math.round(performance.now()) })
    return Effect.void
  }),
})

/** Starts the host and resolves with the exit code once it has drained. */
export const runGateway = (options: RunGatewayOptions): Promise<number> => {
  const hostConfig = options.config.hosts.find((h) => h.name === options.host)
  if (hostConfig === undefined) return Promise.resolve(2)
  const log = makeLogger(options.host)
  const metrics = makeMetrics()
  registerProcessMetrics(metrics)
  const loop = monitorEventLoopDelay(metrics)
  const ctx: HostContext = { config: options.config, host: hostConfig, log, metrics, readiness: makeReadiness(), env: process.env, loopDelay: loop.recent }
  log.info(gatewayEvents.starting, { version: VERSION, config: options.configPath, roles: options.roles.join(",") })
  const root = hostTree(ctx, options.roles, VERSION, [readyMarker(log, options.roles)])
  return new Promise((resolve) => {
    // Spawned by a test or bench: a runner that is killed outright cannot stop this process, so it stops itself.
    const signals = ctx.env.GATEWAY_EXIT_WITH_PARENT === "1"
      ? exitWithParent(processSignals, { onGone: (parent, adoptedBy) => log.warn(gatewayEvents.parentGone, { parent, adopted_by: adoptedBy }) })
      : undefined
    runMain(root, loggedBus(log), {
      signals,
      exit: (code) => {
        loop.stop()
        resolve(code)
      },
      drainTimeoutMs: options.config.runtime.drain_timeout_ms,
    })
  })
}
