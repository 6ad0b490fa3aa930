/**
 * What the operations page reads, as small interfaces the host fills in: the status
 * view, the backlog the intake already polls, the node throttles of this process, and
 * the sampled series. The page imports no actor; the host tree wires the real ones and
 * tests pass fakes to `operationsApp(...).request()`.
 */
import type { MiddlewareHandler } from "hono"
import type { StatusStore } from "../../status/store.ts"
import type { StatusSeries } from "../../status/status-series.ts"
import type { ReportedNode } from "../../domain/throttle-report.ts"
import type { RecentLoopDelay } from "../../observability/event-loop-delay.ts"

/** One partition of the request topic, as the intake's backlog poll last read it. */
export interface PartitionFigures {
  readonly partition: number
  readonly end: number
  /** -1 when the group has committed nothing there. */
  readonly committed: number
  readonly backlog: number
}

/** The request topic's backlog per partition. */
export interface BacklogReading {
  readonly topic: string
  readonly group: string
  readonly partitions: readonly PartitionFigures[]
  /** When it was last read (epoch ms); undefined before the first read answered. */
  readonly readAt: number | undefined
}

/** One node's throttle: this process's own, or as another process reported it (the same figures). */
export interface NodeFigures extends ReportedNode {
  /** Where the figures come from: absent for this process's own throttles, else the reporting process and when it wrote them. */
  readonly reportedBy?: { readonly host: string; readonly pid: number; readonly at: number }
}

/** A configured node this process does not throttle; the page lists it when no report of it arrives either. */
export interface NodeElsewhere {
  readonly name: string
  readonly chain: "bitcoin" | "ethereum"
  readonly cap: number
  /** The `[[hosts]]` whose consumer role calls it. */
  readonly hosts: readonly string[]
}

/** Everything `operationsApp` is built from. */
export interface OpsDeps {
  /** This host's name (`--host`) and the roles this process runs, shown in the header. */
  readonly host: string
  readonly roles: readonly string[]
  readonly status: StatusStore
  readonly backlog: () => BacklogReading
  /** Messages in the DLQ topic (every dead letter, also those that were not requests); undefined before the first read. */
  readonly dlqMessages: () => number | undefined
  readonly dlqTopic: string
  /** This process's throttles, then those other processes report (through etcd). */
  readonly nodes: () => readonly NodeFigures[]
  readonly nodesElsewhere: readonly NodeElsewhere[]
  readonly series: StatusSeries
  readonly sampleEveryMs: number
  /** Guards the routes that list requests: the intake's own API-key check. */
  readonly requireKey: MiddlewareHandler
  /** The owner the presented key's requests carry: the lists show only those (and records older than owners), as `/v1` does. */
  readonly ownerOf: (headers: Headers) => string
  /** The variable the keys come from, named on the page. */
  readonly apiKeysEnv: string
  readonly now?: () => number
  readonly refreshMs?: number
  /** How late this process's event loop ran lately, shown beside the node latencies; absent, the page says it is not watched. */
  readonly loopDelay?: () => RecentLoopDelay
}
