/**
 * One node throttle's figures as a report carries them: its snapshot, with the
 * configured cap and whether the cap adapts, from the node's config.
 */
import type { NodeConfig } from "../../config/node-config.ts"
import type { ReportedNode } from "../../domain/throttle-report.ts"
import type { NodeThrottle } from "../node-throttler/index.ts"

/** What `throttle` shows now; `node` is its `[[nodes]]` entry, when the config has one. */
export const throttleFigures = (throttle: NodeThrottle, node: NodeConfig | undefined): ReportedNode => {
  const s = throttle.snapshot()
  return {
    name: throttle.name,
    chain: throttle.chain,
    cap: node?.max_in_flight ?? s.limit,
    limit: s.limit,
    adaptive: node?.adaptive ?? false,
    inFlight: s.inFlight,
    peakInFlight: s.peakInFlight,
    latencyMs: s.latencyMs,
    breaker: s.breaker,
    calls: s.calls,
    failures: s.failures,
  }
}
