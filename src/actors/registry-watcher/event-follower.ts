/**
 * Following chain logs through confirmations and reorgs, as a pure step function so the
 * rules are tested without a node. Each poll rescans from a little below the head; a log
 * is identified by its block hash and log index, so a transaction re-mined in another
 * block after a reorg is a new log. A log counts as confirmed once it has
 * `confirmations` blocks (counting its own); a known log missing from a rescan of its
 * block range, or reported `removed`, was reorged out and is retracted. Logs deeper than
 * `reorgDepth` below the head are final and forgotten (their ids are remembered, boundedly,
 * so a rescan never delivers them twice).
 */

/** Where a log sits in the chain (the registry events carry this). */
export interface Positioned {
  readonly blockNumber: number
  readonly blockHash: string
  readonly logIndex: number
  readonly removed: boolean
}

/** How the follower waits and how far back it looks for reorgs. */
export interface FollowerSettings {
  /** Blocks, counting the log's own, before it is delivered as confirmed; 0 behaves as 1. */
  readonly confirmations: number
  /** Blocks below the head rescanned on every poll; a reorg deeper than this goes unnoticed. */
  readonly reorgDepth: number
}

/** A log the follower has seen and not yet forgotten. */
export interface Known<E extends Positioned> {
  readonly event: E
  readonly confirmed: boolean
}

/** What the follower remembers between polls. */
export interface FollowerState<E extends Positioned> {
  /** Logs in the rescanned window, by id. */
  readonly known: ReadonlyMap<string, Known<E>>
  /** Ids of logs already final (delivered and forgotten), newest last, at most `finalMemory`. */
  readonly final: readonly string[]
  /** Every block up to here has been scanned and is confirmed. */
  readonly confirmedTo: number
}

/** A change to report: first sight (unconfirmed), confirmation, or retraction by a reorg. */
export interface FollowerChange<E extends Positioned> {
  readonly kind: "seen" | "confirmed" | "removed"
  readonly event: E
}

/** How many final ids are remembered. */
export const finalMemory = 1024

/** The id of a log: its block hash and index, so a re-mined transaction is a new log. */
export const logId = (p: Positioned): string => `${p.blockHash.toLowerCase()}:${p.logIndex}`

/** A follower that starts at block `startBlock`. */
export const initialFollower = <E extends Positioned>(startBlock: number): FollowerState<E> => ({ known: new Map(), final: [], confirmedTo: startBlock - 1 })

/** The block range to scan when the head is at `head`. */
export const scanRange = <E extends Positioned>(state: FollowerState<E>, head: number, settings: FollowerSettings): { readonly fromBlock: number; readonly toBlock: number } => ({
  fromBlock: Math.max(0, Math.min(state.confirmedTo + 1, head - settings.reorgDepth)),
  toBlock: head,
})

/** One poll's result: the logs of `fromBlock..head`, as the node answered them. */
export interface Scan<E extends Positioned> {
  readonly fromBlock: number
  readonly head: number
  readonly logs: readonly E[]
}

/** Applies one scan; answers the new state and the changes, in chain order (retractions first). */
export const followStep = <E extends Positioned>(
  state: FollowerState<E>,
  scan: Scan<E>,
  settings: FollowerSettings,
): { readonly state: FollowerState<E>; readonly changes: readonly FollowerChange<E>[] } => {
  const confirmedTip = scan.head - Math.max(1, settings.confirmations) + 1
  const present = new Map<string, E>()
  for (const log of scan.logs) if (!log.removed) present.set(logId(log), log)
  const finalIds = new Set(state.final)
  const known = new Map(state.known)
  const changes: FollowerChange<E>[] = []

  for (const [id, k] of state.known) {
    if (k.event.blockNumber >= scan.fromBlock && !present.has(id)) {
      known.delete(id)
      changes.push({ kind: "removed", event: k.event })
    }
  }
  const ordered = [...present].sort(([, a], [, b]) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex)
  for (const [id, log] of ordered) {
    if (finalIds.has(id)) continue
    const confirmed = log.blockNumber <= confirmedTip
    const before = known.get(id)
    if (before === undefined) {
      known.set(id, { event: log, confirmed })
      changes.push({ kind: confirmed ? "confirmed" : "seen", event: log })
    } else if (!before.confirmed && confirmed) {
      known.set(id, { event: log, confirmed })
      changes.push({ kind: "confirmed", event: log })
    }
  }

  // Forget confirmed logs that fell out of the rescan window; remember their ids.
  const horizon = scan.head - settings.reorgDepth
  const final = [...state.final]
  for (const [id, k] of known) {
    if (k.confirmed && k.event.blockNumber < horizon) {
      known.delete(id)
      final.push(id)
    }
  }
  return {
    state: { known, final: final.slice(-finalMemory), confirmedTo: Math.max(scan.fromBlock - 1, confirmedTip) },
    changes,
  }
}
