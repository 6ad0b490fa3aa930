/**
 * What the read service reports: its log event names and its metrics, declared in one
 * place so dashboards, benches and tests rely on the same names. The read-front actor's
 * own line is in src/actors/read-front/events.ts.
 */
import type { MetricsRegistry } from "../observability/metrics.ts"

/** Event names the read service logs. */
export const readEvents = {
  reorg: "reads.reorg",
  headFailed: "reads.head-failed",
} as const

/** The read front's metrics, labelled by chain (and node for node calls). */
export const readMetrics = (metrics: MetricsRegistry) => ({
  reads: metrics.counter("gateway_reads_total", "Client reads served, by how: hit (from the cache), merged (shared another read's node call), miss (a node call of its own)."),
  nodeCalls: metrics.counter("gateway_read_node_calls_total", "Node calls made for client reads (each call of a batch counted; hedges included)."),
  batches: metrics.counter("gateway_read_batches_total", "JSON-RPC batches that carried client reads to a node (the round trips the misses cost)."),
  hedged: metrics.counter("gateway_reads_hedged_total", "Reads also sent to a second node because the first was slower than the pool's p95."),
  carried: metrics.counter("gateway_read_carried_total", "Balance, nonce and code answers carried to a new head because its block did not touch their account (a block of plain transfers only), instead of asked again."),
  reorgs: metrics.counter("gateway_read_reorgs_total", "Reorgs the read front saw; the answers about the replaced blocks were dropped."),
  head: metrics.gauge("gateway_read_head", "The chain head the read front last saw (it stops following a chain nobody reads: [reads].head_idle_after_ms)."),
  headReads: metrics.counter("gateway_read_head_reads_total", "Head reads of the read front: every head_poll_ms while the chain is read, and once when a read finds it no longer followed."),
  cacheEntries: metrics.gauge("gateway_read_cache_entries", "Answers in the read cache."),
  cacheBytes: metrics.gauge("gateway_read_cache_bytes", "Bytes the read cache holds (keys and answers)."),
  deferred: metrics.counter("gateway_reads_deferred_total", "Client read requests that yielded to a drain ([reads].rate_while_draining): waited for their turn, or refused with 503 when it was too far off."),
})
