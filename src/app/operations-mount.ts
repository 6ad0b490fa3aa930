/**
 * Puts the operations page on the intake: the page's figures come from this host's
 * status view, the producer's backlog poll and API-key check (its `IntakeSight`), and
 * the node throttles this process runs. Nodes the config gives to consumer roles this
 * process does not run are listed as elsewhere, since no figure of theirs reaches it.
 */
import type { IntakeMount } from "../actors/producer/index.ts"
import type { NodeThrottle } from "../actors/node-throttler/index.ts"
import type { GatewayConfig } from "../config/gateway-config.ts"
import type { Role } from "../config/role.ts"
import { type NodeElsewhere, type NodeFigures, operationsApp } from "../dashboard/operations/index.ts"
import type { StatusSeries } from "../status/status-series.ts"
import type { StatusStore } from "../status/store.ts"
import type { HostContext } from "../host/host-context.ts"

/** What the page is built from besides the producer's sight. */
export interface OperationsSources {
  readonly roles: readonly Role[]
  readonly store: StatusStore
  readonly series: StatusSeries
  readonly sampleEveryMs: number
  /** This process's node throttles (none without the consumer role). */
  readonly throttles: readonly NodeThrottle[]
}

/** The configured nodes whose throttles are not among `local`, with the hosts whose consumer role calls them. */
export const nodesElsewhere = (config: GatewayConfig, local: ReadonlySet<string>): NodeElsewhere[] =>
  config.nodes
    .filter((n) => !local.has(n.name))
    .map((n) => ({ name: n.name, chain: n.chain, cap: n.max_in_flight, hosts: config.hosts.filter((h) => h.roles.includes("consumer") && h.nodes.includes(n.name)).map((h) => h.name) }))

/** The mount the producer adds to its intake. */
export const operationsMount = (ctx: HostContext, sources: OperationsSources): IntakeMount => (sight) => {
  const configs = new Map(ctx.config.nodes.map((n) => [n.name, n]))
  const nodes = (): NodeFigures[] =>
    sources.throttles.map((t) => {
      const s = t.snapshot()
      const config = configs.get(t.name)
      return {
        name: t.name,
        chain: t.chain,
        cap: config?.max_in_flight ?? s.limit,
        limit: s.limit,
        adaptive: config?.adaptive ?? false,
        inFlight: s.inFlight,
        peakInFlight: s.peakInFlight,
        latencyMs: s.latencyMs,
        breaker: s.breaker,
        calls: s.calls,
        failures: s.failures,
      }
    })
  const app = operationsApp({
    host: ctx.host.name,
    roles: sources.roles,
    status: sources.store,
    backlog: sight.backlog,
    dlqMessages: sight.dlqMessages,
    dlqTopic: ctx.config.kafka.topics.dlq,
    nodes,
    nodesElsewhere: nodesElsewhere(ctx.config, new Set(sources.throttles.map((t) => t.name))),
    series: sources.series,
    sampleEveryMs: sources.sampleEveryMs,
    requireKey: sight.requireKey,
    apiKeysEnv: ctx.config.intake.api_keys_env,
  })
  return (intake) => void intake.route("/", app)
}
