/**
 * Follows one chain's head and says, each time it is read, whether it moved and from
 * which block a reorg replaced the chain. It keeps the hashes of the last blocks it saw;
 * when the new head does not extend the last one, it walks back, asking the node for the
 * hash at each height, until a height agrees: every block above that one was replaced.
 */
import { Effect } from "effect"

/** A chain's head as one node reported it. */
export interface Head {
  readonly number: number
  readonly hash: string
  /** The parent's hash, when the node says it in the same answer (Ethereum); saves a call. */
  readonly parentHash?: string
}

/** What one observation found. */
export interface HeadChange {
  readonly moved: boolean
  /** The lowest block a reorg replaced, when there was one. */
  readonly reorgFrom?: number
}

/** How many block hashes are kept, and how far back a reorg is looked for. */
export const keptHashes = 128

/** The head watch of one chain. `hashAt` asks a node for the hash at a height. */
export interface HeadWatch {
  readonly current: () => Head | undefined
  readonly observe: <E>(head: Head, hashAt: (n: number) => Effect.Effect<string, E>) => Effect.Effect<HeadChange, E>
}

/** A watch with nothing seen yet. */
export const makeHeadWatch = (): HeadWatch => {
  const hashes = new Map<number, string>()
  let last: Head | undefined

  const keep = (head: Head, reorgFrom: number | undefined) => {
    for (const n of [...hashes.keys()]) if (n > head.number || (reorgFrom !== undefined && n >= reorgFrom)) hashes.delete(n)
    hashes.set(head.number, head.hash)
    if (head.parentHash !== undefined && head.number > 0 && !hashes.has(head.number - 1)) hashes.set(head.number - 1, head.parentHash)
    for (const n of [...hashes.keys()]) if (n <= head.number - keptHashes) hashes.delete(n)
    last = head
  }

  return {
    current: () => last,
    observe: (head, hashAt) =>
      Effect.gen(function* () {
        const before = last
        if (before === undefined) {
          keep(head, undefined)
          return { moved: true }
        }
        if (head.number === before.number && head.hash === before.hash) return { moved: false }
        // The common case: one block on top of the last one.
        if (head.number === before.number + 1 && head.parentHash === before.hash) {
          keep(head, undefined)
          return { moved: true }
        }
        let reorgFrom: number | undefined = head.number < before.number ? head.number + 1 : undefined
        let n = Math.min(head.number, before.number)
        for (let steps = 0; steps < keptHashes && hashes.has(n); steps++) {
          const known = hashes.get(n)
          const now = n === head.number ? head.hash : n === head.number - 1 && head.parentHash !== undefined ? head.parentHash : yield* hashAt(n)
          if (now === known) break
          reorgFrom = n
          n -= 1
        }
        keep(head, reorgFrom)
        return reorgFrom === undefined ? { moved: true } : { moved: true, reorgFrom }
      }),
  }
}
