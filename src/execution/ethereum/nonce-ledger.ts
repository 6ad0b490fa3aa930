/**
 * The next nonce of each sender the gateway signs for. A sender's first use reads the
 * node's pending count and the highest nonce already recorded as signed, and starts
 * above both, so a restart never reuses a nonce that a recorded transaction holds and
 * never leaves a gap below one the node already has. A conflict reported by the node
 * (`nonce too low`) drops the sender so the next use re-reads.
 */

/** Per-sender nonces. */
export interface NonceLedger {
  readonly known: (sender: string) => boolean
  /** Starts a sender at max(node pending count, highest recorded nonce + 1). */
  readonly init: (sender: string, nodePending: number, highestRecorded: number | undefined) => void
  /** Takes the next nonce; the sender must be initialised. */
  readonly take: (sender: string) => number
  /** Forgets a sender so its next use re-reads the node. */
  readonly reset: (sender: string) => void
}

/** An empty ledger. */
export const makeNonceLedger = (): NonceLedger => {
  const next = new Map<string, number>()
  return {
    known: (sender) => next.has(sender),
    init: (sender, nodePending, highestRecorded) => {
      next.set(sender, Math.max(nodePending, highestRecorded === undefined ? 0 : highestRecorded + 1))
    },
    take: (sender) => {
      const n = next.get(sender)
      if (n === undefined) throw new Error(`nonce ledger: sender ${sender} used before init`)
      next.set(sender, n + 1)
      return n
    },
    reset: (sender) => void next.delete(sender),
  }
}
