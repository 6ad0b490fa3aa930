/**
 * Where a partition executor's messages must continue: the offset its takeover moved the
 * consumer to (the committed offset, or the partition's first message), then one past the
 * last message it took. `sendto` is written without transactions, so its offsets have no
 * holes, and an executor must see every one of them in order.
 *
 * A batch kafkajs fetched before that move (for a halted owner of the same partition on
 * this host, and handed to the new executor once it exists) starts past the position.
 * Taking it skipped everything between: the lab's paper run with a cut lost 882 of 1,000
 * requests that way (the next batches, from the moved position, were all "already seen",
 * and the offset book, starting at the stale batch, committed the partition's end). Such a
 * batch is refused, and the consumer is moved back to the position again.
 *
 * Only when the same hole is met `holeRepeatsBeforeSkip` times in a row does the executor
 * accept it: the messages below the batch are no longer in the log (retention removed
 * them), and nothing can deliver them again. The caller says so loudly.
 */

/** A fetched message's offset, all this rule needs. */
export interface Positioned {
  readonly offset: bigint
}

/** What to do with a fetched batch. */
export type Admission<M> =
  | { readonly _tag: "take"; readonly messages: readonly M[] }
  /** Nothing new: every message was taken before. */
  | { readonly _tag: "seen" }
  /** The batch starts past `expected`: refuse it and move the consumer back to `expected`. */
  | { readonly _tag: "hole"; readonly expected: bigint; readonly first: bigint }
  /** The same hole again and again: the log no longer holds `from`..`to`-1; the batch is taken. */
  | { readonly _tag: "skip"; readonly from: bigint; readonly to: bigint; readonly messages: readonly M[] }

/** A hole met this many times in a row at the same offsets is taken as gone from the log. */
export const holeRepeatsBeforeSkip = 5

/** The position of one executor, starting at `from`. */
export const makeFetchPosition = (from: bigint) => {
  let next = from
  let hole: { readonly expected: bigint; readonly first: bigint; count: number } | undefined
  return {
    /** The offset the next message must have. */
    next: () => next,
    admit: <M extends Positioned>(messages: readonly M[]): Admission<M> => {
      const fresh = messages.filter((m) => m.offset >= next)
      const first = fresh[0]
      const last = fresh[fresh.length - 1]
      if (first === undefined || last === undefined) return { _tag: "seen" }
      if (first.offset > next) {
        hole = hole !== undefined && hole.expected === next && hole.first === first.offset ? { ...hole, count: hole.count + 1 } : { expected: next, first: first.offset, count: 1 }
        if (hole.count < holeRepeatsBeforeSkip) return { _tag: "hole", expected: next, first: first.offset }
        const skipped = { _tag: "skip" as const, from: next, to: first.offset, messages: fresh }
        hole = undefined
        next = last.offset + 1n
        return skipped
      }
      hole = undefined
      next = last.offset + 1n
      return { _tag: "take", messages: fresh }
    },
  }
}
