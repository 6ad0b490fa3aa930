/**
 * Which requests need the operator: stuck ones (still `accepted`, `signed` or `submitted`
 * longer than a threshold since their last change) and finished badly (`failed`, `dlq`).
 * Pure: the page's route reads the records from the status view and passes the clock.
 */
import type { RequestStatus, StatusRecord } from "../../domain/status.ts"

/** The statuses a request can be stuck in: waiting to be executed, signed and not sent, or sent and not confirmed. */
export const stuckStatuses: readonly RequestStatus[] = ["accepted", "signed", "submitted"]

/** How long a request may sit in one of those before the page calls it stuck, by default. */
export const defaultStuckAfterMs = 120_000

/** One request as the page lists it. */
export interface AttentionItem {
  readonly id: string
  readonly status: RequestStatus
  readonly chain: StatusRecord["chain"]
  readonly sender: string
  readonly partition: number
  /** When its latest record was written (epoch ms). */
  readonly at: number
  /** How long it has been in that status, in ms. */
  readonly age_ms: number
  readonly reason?: string
  readonly txid?: string
  readonly node?: string
}

/** The page's view of one record at `now`. */
export const attentionItem = (r: StatusRecord, now: number): AttentionItem => ({
  id: r.id,
  status: r.status,
  chain: r.chain,
  sender: r.sender,
  partition: r.partition,
  at: r.at,
  age_ms: Math.max(0, now - r.at),
  ...(r.reason === undefined ? {} : { reason: r.reason }),
  ...(r.txid === undefined ? {} : { txid: r.txid }),
  ...(r.node === undefined ? {} : { node: r.node }),
})

/** True when `r` is a client request in a stuck status whose last change is at least `afterMs` before `now`. */
export const isStuck = (r: StatusRecord, now: number, afterMs: number): boolean =>
  (r.kind ?? "request") === "request" && stuckStatuses.includes(r.status) && now - r.at >= afterMs

/** The stuck requests among `records`, longest stuck first. */
export const stuckOf = (records: readonly StatusRecord[], now: number, afterMs: number): AttentionItem[] =>
  records.filter((r) => isStuck(r, now, afterMs)).map((r) => attentionItem(r, now)).sort((a, b) => b.age_ms - a.age_ms || a.id.localeCompare(b.id))

/** Finished-badly requests, newest first, at most `limit`. */
export const newestFirst = (records: readonly StatusRecord[], now: number, limit: number): AttentionItem[] =>
  records.map((r) => attentionItem(r, now)).sort((a, b) => b.at - a.at || a.id.localeCompare(b.id)).slice(0, limit)

/** Reads `?stuck_after_s=`: whole seconds from 1 to a day; anything else is the default. */
export const stuckAfterMsOf = (text: string | undefined): number => {
  if (text === undefined || !/^[1-9][0-9]{0,4}$/.test(text)) return defaultStuckAfterMs
  return Math.min(Number(text), 86_400) * 1000
}
