/**
 * Where each request of a run stands, folded from the records of the run's
 * results topic. The drain bench times the pipeline with the records' own
 * `at` stamps (the gateway's clock, on this machine): first `accepted` to
 * the last request reaching the node (`signed` for Ethereum, `submitted`
 * for Bitcoin), and on to `confirmed`.
 */
import type { RequestStatus, StatusRecord } from "../../src/domain/status.ts"
import { statusOrder } from "../../src/status/store.ts"

/** Statuses that mean the request reached its node (or went past it). */
export const REACHED_NODE: ReadonlySet<RequestStatus> = new Set<RequestStatus>(["signed", "submitted", "confirmed"])
/** Statuses after which nothing more happens. */
export const FINAL: ReadonlySet<RequestStatus> = new Set<RequestStatus>(["confirmed", "failed", "dlq"])

interface Entry {
  status: RequestStatus
  acceptedAt?: number
  reachedAt?: number
  finalAt?: number
  reason?: string
  txid?: string
  /** The txid came from the `confirmed` record: the version that was mined. */
  txidMined?: true
}

/** One request as its records tell it (times are epoch ms on the gateway's clock). */
export interface RequestTimes {
  readonly status: RequestStatus
  /** Its first record that reached the node (Ethereum: `signed`, written before the send). */
  readonly reachedAt?: number
  readonly finalAt?: number
  /** The transaction's id: the mined version's once it is `confirmed`, else the newest recorded. */
  readonly txid?: string
}

/** Totals of a run at one moment. */
export interface TrackerSummary {
  /** Requests seen at all (every accepted request has an `accepted` record). */
  readonly seen: number
  /** Latest status → how many requests are at it. */
  readonly byStatus: Readonly<Partial<Record<RequestStatus, number>>>
  readonly reachedNode: number
  readonly final: number
  readonly failed: number
  readonly dlq: number
  /** Epoch ms of the earliest `accepted`, null when none. */
  readonly firstAcceptedAt: number | null
  /** Epoch ms when the last request reached its node, null when none did. */
  readonly lastReachedAt: number | null
  readonly lastFinalAt: number | null
  /** Up to 5 reasons of failed or DLQ'd requests, with counts. */
  readonly reasons: ReadonlyArray<readonly [string, number]>
}

const rank = (s: RequestStatus): number => statusOrder.indexOf(s)

/** A tracker; `apply` records in any order, `summary` whenever. */
export const makeStatusTracker = () => {
  const entries = new Map<string, Entry>()
  const reachedTimes: Array<number> = []
  return {
    apply: (r: StatusRecord): void => {
      // Only requests count: a filler (a refused nonce's self-transfer) or a Bitcoin
      // transaction record shares the topic but is not something a client asked for.
      if (r.kind !== undefined && r.kind !== "request") return
      const e = entries.get(r.id) ?? { status: r.status }
      if (rank(r.status) > rank(e.status)) e.status = r.status
      if (r.status === "accepted") e.acceptedAt = Math.min(e.acceptedAt ?? r.at, r.at)
      if (REACHED_NODE.has(r.status) && e.reachedAt === undefined) {
        e.reachedAt = r.at
        reachedTimes.push(r.at)
      }
      if (FINAL.has(r.status) && e.finalAt === undefined) e.finalAt = r.at
      if ((r.status === "failed" || r.status === "dlq") && r.reason !== undefined) e.reason = r.reason
      if (r.txid !== undefined && REACHED_NODE.has(r.status) && e.txidMined === undefined) {
        e.txid = r.txid
        if (r.status === "confirmed") e.txidMined = true
      }
      entries.set(r.id, e)
    },
    /** Each request seen so far, by id. */
    requestTimes: (): ReadonlyMap<string, RequestTimes> => entries,
    /** Epoch ms at which each request reached its node, in arrival order (for a rate-over-time line). */
    reachedTimes: (): ReadonlyArray<number> => reachedTimes,
    summary: (): TrackerSummary => {
      const byStatus: Partial<Record<RequestStatus, number>> = {}
      const reasons = new Map<string, number>()
      let firstAcceptedAt: number | null = null
      let lastReachedAt: number | null = null
      let lastFinalAt: number | null = null
      let reachedNode = 0
      let final = 0
      for (const e of entries.values()) {
        byStatus[e.status] = (byStatus[e.status] ?? 0) + 1
        if (e.acceptedAt !== undefined) firstAcceptedAt = Math.min(firstAcceptedAt ?? e.acceptedAt, e.acceptedAt)
        if (e.reachedAt !== undefined && e.status !== "failed" && e.status !== "dlq") {
          reachedNode++
          lastReachedAt = Math.max(lastReachedAt ?? e.reachedAt, e.reachedAt)
        }
        if (e.finalAt !== undefined && FINAL.has(e.status)) {
          final++
          lastFinalAt = Math.max(lastFinalAt ?? e.finalAt, e.finalAt)
        }
        if (e.reason !== undefined) reasons.set(e.reason, (reasons.get(e.reason) ?? 0) + 1)
      }
      return {
        seen: entries.size,
        byStatus,
        reachedNode,
        final,
        failed: byStatus.failed ?? 0,
        dlq: byStatus.dlq ?? 0,
        firstAcceptedAt,
        lastReachedAt,
        lastFinalAt,
        reasons: [...reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5),
      }
    },
  }
}

/** The tracker `makeStatusTracker` returns. */
export type StatusTracker = ReturnType<typeof makeStatusTracker>

/**
 * Requests per second from the first accepted to the last that reached its
 * node; null when not measurable. `firstAcceptedAt` defaults to the earliest
 * `accepted` record; pass the client's first 202 when the gateway does not
 * publish `accepted` records.
 */
export const endToEndRate = (s: TrackerSummary, firstAcceptedAt: number | null = s.firstAcceptedAt): number | null =>
  firstAcceptedAt === null || s.lastReachedAt === null || s.lastReachedAt <= firstAcceptedAt ? null : (s.reachedNode * 1000) / (s.lastReachedAt - firstAcceptedAt)

/** A record from the results topic, or undefined when the value is not one. */
export const parseStatusRecord = (text: string): StatusRecord | undefined => {
  try {
    const r = JSON.parse(text) as Partial<StatusRecord>
    return typeof r.id === "string" && typeof r.status === "string" && typeof r.at === "number" && statusOrder.includes(r.status) ? (r as StatusRecord) : undefined
  } catch {
    return undefined
  }
}
