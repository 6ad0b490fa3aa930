/**
 * Concurrent repeats of one Idempotency-Key within this intake process publish once.
 * The status view only learns of a request after Kafka acked it, so four POSTs with one
 * key that arrive together all found it unknown and all published (issue 7). Here the
 * first one to claim a request id (or a batch id) owns the publish; the others join it
 * and answer from its outcome. An entry lives until its run settles, which can be after
 * the owner answered (a chunk Kafka holds past the deadline), so a retry of an ambiguous
 * answer waits for that chunk instead of sending a second copy. A repeat with another
 * body is a conflict (422). Copies sent through other intake hosts are the consumer's
 * to deduplicate.
 */

/** What claiming an id gave: the run to own, the run to join, or a conflict. */
export type Claim<R> =
  | { readonly _tag: "owner"; readonly run: R }
  | { readonly _tag: "joined"; readonly run: R }
  | { readonly _tag: "conflict" }

/** The runs in flight, by id. */
export interface InFlight<R> {
  /**
   * Joins the run in flight for `id` when its `fingerprint` (the body's hash) matches,
   * reports a conflict when it does not, and otherwise starts one with `start` and owns it.
   */
  readonly claim: (id: string, fingerprint: string, start: () => R) => Claim<R>
  /** Runs in flight now. */
  readonly size: () => number
}

/** An empty map; each entry is dropped once its run's `settled` settles. */
export const makeInFlight = <R extends { readonly settled: Promise<unknown> }>(): InFlight<R> => {
  const runs = new Map<string, { readonly fingerprint: string; readonly run: R }>()
  return {
    claim: (id, fingerprint, start) => {
      const current = runs.get(id)
      if (current !== undefined) return current.fingerprint === fingerprint ? { _tag: "joined", run: current.run } : { _tag: "conflict" }
      const run = start()
      const entry = { fingerprint, run }
      runs.set(id, entry)
      const drop = () => {
        if (runs.get(id) === entry) runs.delete(id)
      }
      run.settled.then(drop, drop)
      return { _tag: "owner", run }
    },
    size: () => runs.size,
  }
}
