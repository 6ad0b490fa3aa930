/**
 * The JSON the operations page's API answers and its script renders: snake_case like
 * the intake's answers, built from the deps at one moment. The overview holds only
 * figures (what `/metrics` already shows, so it needs no key); the attention list holds
 * request ids, senders and reasons, so it is behind the API key.
 */
import type { RequestStatus } from "../../domain/status.ts"
import type { StatusCounts, StatusStore } from "../../status/store.ts"
import type { OpsDeps } from "./ops-deps.ts"
import { type AttentionItem, newestFirst, stuckOf, stuckStatuses } from "./stuck.ts"

/** `GET /ops/api/overview`. */
export interface OverviewView {
  readonly host: string
  readonly roles: readonly string[]
  readonly at: number
  readonly backlog: {
    readonly topic: string
    readonly group: string
    readonly total: number
    readonly read_at: number | null
    readonly partitions: ReadonlyArray<{ readonly partition: number; readonly end: number; readonly committed: number; readonly backlog: number }>
  }
  readonly dlq: { readonly topic: string; readonly messages: number | null }
  readonly nodes: ReadonlyArray<{
    /** The process whose throttle this is: null for this one, else the reporting host and pid. */
    readonly host: string | null
    readonly pid: number | null
    /** When the reporting process wrote the figures (epoch ms, its clock); null for this process's own. */
    readonly reported_at: number | null
    readonly name: string
    readonly chain: string
    readonly cap: number
    readonly limit: number
    readonly adaptive: boolean
    readonly in_flight: number
    readonly peak_in_flight: number
    readonly latency_ms: number | null
    readonly breaker: string
    readonly calls: number
    readonly failures: number
  }>
  readonly nodes_elsewhere: ReadonlyArray<{ readonly name: string; readonly chain: string; readonly cap: number; readonly hosts: readonly string[] }>
  readonly counts: StatusCounts
  readonly series: { readonly samples: number; readonly every_ms: number; readonly from: number | null; readonly to: number | null }
  /** How late this process's event loop ran a 20 ms timer over the last `window_s`; null when it is not watched. */
  readonly event_loop: { readonly p99_ms: number; readonly max_ms: number; readonly ticks: number; readonly window_s: number } | null
}

const tenth = (ms: number): number => Math.round(ms * 10) / 10

/** The figures of the page at `now`. */
export const overviewView = (deps: OpsDeps, now: number): OverviewView => {
  const b = deps.backlog()
  const samples = deps.series.samples()
  const nodes = deps.nodes()
  const shown = new Set(nodes.map((n) => n.name))
  return {
    host: deps.host,
    roles: deps.roles,
    at: now,
    backlog: {
      topic: b.topic,
      group: b.group,
      total: b.partitions.reduce((sum, p) => sum + p.backlog, 0),
      read_at: b.readAt ?? null,
      partitions: b.partitions.map((p) => ({ partition: p.partition, end: p.end, committed: p.committed, backlog: p.backlog })),
    },
    dlq: { topic: deps.dlqTopic, messages: deps.dlqMessages() ?? null },
    nodes: nodes.map((n) => ({
      host: n.reportedBy?.host ?? null,
      pid: n.reportedBy?.pid ?? null,
      reported_at: n.reportedBy?.at ?? null,
      name: n.name,
      chain: n.chain,
      cap: n.cap,
      limit: n.limit,
      adaptive: n.adaptive,
      in_flight: n.inFlight,
      peak_in_flight: n.peakInFlight,
      latency_ms: n.latencyMs === undefined ? null : tenth(n.latencyMs),
      breaker: n.breaker,
      calls: n.calls,
      failures: n.failures,
    })),
    nodes_elsewhere: deps.nodesElsewhere.filter((n) => !shown.has(n.name)).map((n) => ({ name: n.name, chain: n.chain, cap: n.cap, hosts: n.hosts })),
    counts: deps.status.countsSoFar(),
    series: { samples: samples.length, every_ms: deps.sampleEveryMs, from: samples[0]?.at ?? null, to: samples.at(-1)?.at ?? null },
    event_loop: loopView(deps),
  }
}

const loopView = (deps: OpsDeps): OverviewView["event_loop"] => {
  const recent = deps.loopDelay?.()
  return recent === undefined ? null : { p99_ms: tenth(recent.p99Ms), max_ms: tenth(recent.maxMs), ticks: recent.ticks, window_s: recent.windowMs / 1000 }
}

/** `GET /ops/api/attention`. */
export interface AttentionView {
  readonly at: number
  readonly stuck_after_s: number
  readonly stuck: readonly AttentionItem[]
  readonly failed: readonly AttentionItem[]
  readonly dlq: readonly AttentionItem[]
  /** How many the status view holds in all, of every key (the lists are capped and show the caller's own). */
  readonly totals: { readonly failed: number; readonly dlq: number }
  readonly limit: number
}

/** Requests read per status to look for stuck ones: the list is oldest first, so the longest stuck come first. */
export const scanPerStatus = 500

/** Rows each list shows. */
export const listedPerSection = 50

const all = (store: StatusStore, owner: string, status: RequestStatus, since?: number) =>
  store.list({ status, owner, limit: scanPerStatus, ...(since === undefined ? {} : { since }) }).requests

/**
 * What needs the operator at `now`, among the requests `owner` (the caller's key) may
 * see: stuck past `stuckAfterMs`, and failed or dead-lettered in the last `recentMs`.
 */
export const attentionView = (store: StatusStore, owner: string, now: number, stuckAfterMs: number, recentMs = 3_600_000): AttentionView => {
  const counts = store.countsSoFar()
  // The list is ordered by first sight, oldest first: a window keeps the newest failures on the page.
  const since = now - recentMs
  return {
    at: now,
    stuck_after_s: stuckAfterMs / 1000,
    stuck: stuckOf(stuckStatuses.flatMap((s) => all(store, owner, s)), now, stuckAfterMs).slice(0, listedPerSection),
    failed: newestFirst(all(store, owner, "failed", since), now, listedPerSection),
    dlq: newestFirst(all(store, owner, "dlq", since), now, listedPerSection),
    totals: { failed: counts.failed, dlq: counts.dlq },
    limit: listedPerSection,
  }
}
