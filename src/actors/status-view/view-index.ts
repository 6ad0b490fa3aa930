/**
 * In-memory indexes over the status records that the sqlite store does not keep: which
 * request owns each txid (reconciliation must not hand one transaction to two requests),
 * the highest nonce signed for each sender, and the requests still waiting for
 * confirmations (the confirmation tracker polls those).
 */
import { isFinal, type StatusRecord } from "../../domain/status.ts"

/** The indexes, updated record by record. */
export interface ViewIndex {
  readonly add: (record: StatusRecord) => void
  readonly ownerOf: (txid: string) => string | undefined
  /** Records an owner for `txid` unless it already has one. */
  readonly claim: (txid: string, id: string) => void
  readonly highestNonce: (sender: string) => number | undefined
  /** Requests signed or submitted and not final, in the given `sendto` partitions. */
  readonly awaitingConfirmation: (partitions: ReadonlySet<number>) => StatusRecord[]
}

/** An empty index. */
export const makeViewIndex = (): ViewIndex => {
  const owners = new Map<string, string>()
  const nonces = new Map<string, number>()
  const waiting = new Map<string, StatusRecord>()
  return {
    add: (r) => {
      if (r.txid !== undefined && !owners.has(r.txid)) owners.set(r.txid, r.id)
      if (r.nonce !== undefined) nonces.set(r.sender, Math.max(nonces.get(r.sender) ?? -1, r.nonce))
      if (isFinal(r.status)) waiting.delete(r.id)
      else if (r.status === "signed" || r.status === "submitted") {
        const prior = waiting.get(r.id)
        if (prior === undefined || prior.at <= r.at) waiting.set(r.id, r)
      }
    },
    ownerOf: (txid) => owners.get(txid),
    claim: (txid, id) => {
      if (!owners.has(txid)) owners.set(txid, id)
    },
    highestNonce: (sender) => nonces.get(sender),
    awaitingConfirmation: (partitions) => [...waiting.values()].filter((r) => partitions.has(r.partition)),
  }
}
