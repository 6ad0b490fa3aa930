/**
 * Puts the operations page on the intake: the page's figures come from this host's
 * status view, the producer's backlog poll and API-key check (its `IntakeSight`), the
 * node throttles this process runs, and the throttle reports other consumer processes
 * keep in etcd. A configured node neither of these shows is named as not shown.
 */
import type { IntakeMount } from "../intake/intake-mount.ts"
import type { NodeThrottle } from "../actors/node-throttler/index.ts"
import { throttleFigures, type ThrottleReportCell } from "../actors/throttle-reports/index.ts"
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
  /** Other processes' throttle reports, as the throttle-report-reader last read them from etcd. */
  readonly reports: ThrottleReportCell
}

/** The configured nodes whose throttles are not among `local`, with the hosts whose consumer role calls them. */
export const nodesElsewhere = (config: GatewayConfig, local: ReadonlySet<string>): NodeElsewhere[] =>
  config.nodes
    .filter((n) => !local.has(n.name))
    .map((n) => ({ name: n.name, chain: n.chain, cap: n.max_in_flight, hosts: config.hosts.filter((h) => h.roles.includes("consumer") && h.nodes.includes(n.name)).map((h) => h.name) }))

/** The mount the producer adds to its intake. */
export const operationsMount = (ctx: HostContext, sources: OperationsSources): IntakeMount => (sight) => {
  const configs = new Map(ctx.config.nodes.map((n) => [n.name, n]))
  // This process's throttles from memory; every other process's from the reports read from etcd.
  const nodes = (): NodeFigures[] => [
    ...sources.throttles.map((t) => throttleFigures(t, configs.get(t.name))),
    ...sources.reports.get().reports
      .filter((r) => !(r.host === ctx.host.name && r.pid === process.pid))
      .sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid)
      .flatMap((r) => r.nodes.map((n) => ({ ...n, reportedBy: { host: r.host, pid: r.pid, at: r.at } }))),
  ]
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
    ownerOf: sight.ownerOf,
    apiKeysEnv: ctx.config.intake.api_keys_env,
    ...(ctx.loopDelay === undefined ? {} : { loopDelay: ctx.loopDelay }),
  })
  return (intake) => void intake.route("/", app)
}
