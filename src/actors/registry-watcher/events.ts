/**
 * What the registry-watcher reports: its event names and metrics, declared in one place.
 * Every line carries the service id where there is one.
 */
import type { MetricsRegistry } from "../../observability/metrics.ts"

/** Event names this actor logs. */
export const registryWatcherEvents = {
  connected: "registry-watcher.connected",
  notDeployed: "registry-watcher.not-deployed",
  noManagerKey: "registry-watcher.no-manager-key",
  registered: "registry-watcher.registered",
  locationWritten: "registry-watcher.location-written",
  membersWritten: "registry-watcher.members-written",
  staleEpoch: "registry-watcher.stale-epoch",
  writeFailed: "registry-watcher.write-failed",
  locationChanged: "registry-watcher.location-changed",
  claim: "registry-watcher.claim",
  retracted: "registry-watcher.retracted",
  pollFailed: "registry-watcher.poll-failed",
} as const

/** Outcomes of a location write, the `outcome` label of `gateway_registry_location_writes_total`. */
export type WriteOutcomeLabel = "written" | "already" | "stale" | "failed"

/** The metrics this actor keeps. */
export const registryWatcherMetrics = (metrics: MetricsRegistry) => ({
  claims: metrics.counter("gateway_registry_claims_total", "Confirmed Claim events, by service."),
  locationChanges: metrics.counter("gateway_registry_location_changes_total", "Confirmed NewLocation events, by service."),
  retracted: metrics.counter("gateway_registry_events_retracted_total", "Registry events retracted because a reorg dropped their block, by event."),
  locationWrites: metrics.counter(
    "gateway_registry_location_writes_total",
    "Location writes by this host's leader, by outcome: written, already (the registry held it), stale (a newer epoch was there), failed (retried).",
  ),
  head: metrics.gauge("gateway_registry_head_block", "The chain head as the watcher last saw it."),
})

/** The metric handles, as `registryWatcherMetrics` makes them. */
export type RegistryWatcherMetrics = ReturnType<typeof registryWatcherMetrics>
