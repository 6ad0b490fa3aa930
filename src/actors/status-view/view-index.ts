/**
 * In-memory indexes over the status records that the sqlite store does not keep: the
 * highest nonce signed for each sender, and the records not yet final per partition
 * (what a partition's new owner rebuilds its executor from).
 */
import { isFinal, type StatusRecord } from "../../domain/status.ts"

/** The indexes, updated record by record. */
export interface ViewIndex {
  readonly add: (record: StatusRecord) => void
  readonly highestNonce: (sender: string) => number | undefined
  /** Requests signed or submitted and not final, in the given `sendto` partitions. */
  readonly awaitingConfirmation: (partitions: ReadonlySet<number>) => StatusRecord[]
}

/** An empty index. */
export const makeViewIndex = (): ViewIndex => {
  const nonces = new Map<string, number>()
  const waiting = new Map<string, StatusRecord>()
  return {
    add: (r) => {
      if (r.nonce !== undefined) nonces.set(r.sender, Math.max(nonces.get(r.sender) ?? -1, r.nonce))
      if (isFinal(r.status)) waiting.delete(r.id)
      else if (r.status === "signed" || r.status === "submitted") {
        const prior = waiting.get(r.id)
        if (prior === undefined || prior.at <= r.at) waiting.set(r.id, r)
      }
    },
    highestNonce: (sender) => nonces.get(sender),
    awaitingConfirmation: (partitions) => [...waiting.values()].filter((r) => partitions.has(r.partition)),
  }
}
