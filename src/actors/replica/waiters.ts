/**
 * The leader's parked replies (paper B's connection pool): each client waits on its
 * request id until the entry carrying it is applied locally, then gets the index the
 * request took effect at. Several clients may wait on one id. Ids whose append is known
 * to be committed survive a step-down (the entry will still be applied here, as a
 * follower); the others are refused so their clients retry at the new leader.
 */
import type { Outcome } from "./apply-entries.ts"

/** The answer to a submit. */
export interface Submitted {
  readonly index: number
}

/** Parked replies by request id. */
export interface Waiters {
  /** Parks a reply for `id`. */
  readonly add: (id: string) => Promise<Submitted>
  readonly has: (id: string) => boolean
  /** Marks ids whose append committed: they are answered when applied, even after a step-down. */
  readonly markCommitted: (ids: readonly string[]) => void
  /** Answers everyone waiting on an applied id. */
  readonly settle: (outcomes: readonly Outcome[]) => void
  /** Answers waiters on `id` with a known index (the id was applied before, e.g. inside a loaded snapshot). */
  readonly settleId: (id: string, index: number) => void
  /** Refuses the waiters on `ids`. */
  readonly reject: (ids: readonly string[], error: Error) => void
  /** Refuses every waiter whose append is not known to have committed. */
  readonly rejectUncommitted: (error: Error) => void
  /** Refuses every waiter (the replica is stopping or crashed). */
  readonly rejectAll: (error: Error) => void
  /** Ids with at least one parked reply. */
  readonly ids: () => readonly string[]
}

interface Parked {
  readonly resolve: (s: Submitted) => void
  readonly reject: (e: Error) => void
}

/** An empty set of parked replies. */
export const makeWaiters = (): Waiters => {
  const parked = new Map<string, Parked[]>()
  const committed = new Set<string>()
  const finish = (id: string, f: (p: Parked) => void) => {
    const list = parked.get(id)
    parked.delete(id)
    committed.delete(id)
    for (const p of list ?? []) f(p)
  }
  return {
    add: (id) =>
      new Promise<Submitted>((resolve, reject) => {
        const list = parked.get(id) ?? []
        list.push({ resolve, reject })
        parked.set(id, list)
      }),
    has: (id) => parked.has(id),
    markCommitted: (ids) => {
      for (const id of ids) if (parked.has(id)) committed.add(id)
    },
    settle: (outcomes) => {
      for (const o of outcomes) if (parked.has(o.id)) finish(o.id, (p) => p.resolve({ index: o.firstIndex }))
    },
    settleId: (id, index) => finish(id, (p) => p.resolve({ index })),
    reject: (ids, error) => {
      for (const id of ids) finish(id, (p) => p.reject(error))
    },
    rejectUncommitted: (error) => {
      for (const id of [...parked.keys()]) if (!committed.has(id)) finish(id, (p) => p.reject(error))
    },
    rejectAll: (error) => {
      for (const id of [...parked.keys()]) finish(id, (p) => p.reject(error))
    },
    ids: () => [...parked.keys()],
  }
}
