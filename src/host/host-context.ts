/**
 * What every actor of one host is built from: the validated config, this host's entry,
 * a logger, the metrics registry and the readiness registry. Passed explicitly to each actor factory, so an
 * actor's dependencies are visible in its signature.
 */
import type { GatewayConfig } from "../config/gateway-config.ts"
import type { HostConfig } from "../config/host-config.ts"
import type { Readiness } from "./readiness.ts"
import type { Logger } from "../observability/log.ts"
import type { RecentLoopDelay } from "../observability/event-loop-delay.ts"
import type { MetricsRegistry } from "../observability/metrics.ts"

/** The shared inputs of one host's actor tree. */
export interface HostContext {
  readonly config: GatewayConfig
  readonly host: HostConfig
  readonly log: Logger
  readonly metrics: MetricsRegistry
  /** The host's readiness checks: each actor registers its own, and both `/readyz` report them all. */
  readonly readiness: Readiness
  /** Where secrets (node passwords, keys, API keys) are read from; never logged. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** How late this process's event loop ran lately (the operations page shows it beside node latencies); absent in tests that do not watch it. */
  readonly loopDelay?: () => RecentLoopDelay
}
