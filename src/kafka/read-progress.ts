/**
 * How far a reader (the status view, the webhook book) has read each partition of its topic, and the callers
 * waiting for it to reach a target. The position is the offset after the last record the
 * consumer got past, transaction markers and aborted records included: under
 * read_committed the end offset (the last stable offset) usually sits right after a
 * commit or abort marker, which no `eachBatch` ever holds.
 *
 * No I/O here: the view feeds `advance` from its consumer and targets from the admin.
 */

/** Per-partition read positions with waiters. */
export interface ReadProgress {
  /** Records that `partition` has been read up to `next` (exclusive). Positions never move back. */
  readonly advance: (partition: number, next: bigint) => void
  /** True when every targeted partition (those in `only`, when given) has been read to its target. */
  readonly reached: (targets: ReadonlyMap<number, bigint>, only?: ReadonlySet<number>) => boolean
  /** Resolves once `reached(targets, only)` holds. */
  readonly waitFor: (targets: ReadonlyMap<number, bigint>, only?: ReadonlySet<number>) => Promise<void>
  /** Where `partition` has been read to. */
  readonly position: (partition: number) => bigint
  /** The partitions read past their first offset. */
  readonly partitions: () => number[]
  /** Forgets every position: the store was emptied and the topic is read again from the beginning. */
  readonly reset: () => void
}

/** Nothing read yet. */
export const makeReadProgress = (): ReadProgress => {
  const positions = new Map<number, bigint>()
  const waiters = new Set<() => void>()
  const position = (partition: number) => positions.get(partition) ?? 0n
  const reached = (targets: ReadonlyMap<number, bigint>, only?: ReadonlySet<number>) =>
    [...targets].every(([partition, end]) => (only !== undefined && !only.has(partition)) || position(partition) >= end)
  return {
    advance: (partition, next) => {
      if (next <= position(partition)) return
      positions.set(partition, next)
      for (const wake of [...waiters]) wake()
    },
    reached,
    waitFor: (targets, only) =>
      new Promise<void>((resolve) => {
        if (reached(targets, only)) return resolve()
        const wake = () => {
          if (!reached(targets, only)) return
          waiters.delete(wake)
          resolve()
        }
        waiters.add(wake)
      }),
    position,
    partitions: () => [...positions.keys()],
    reset: () => positions.clear(),
  }
}
