/**
 * Where the notifier may commit each partition of `sendto.results`: up to the lowest
 * record whose deliveries are not all finished (delivered, parked, or dropped because
 * the webhook was deleted). A restart then reads again every record not finished, so
 * each event is delivered at least once; records after it that did finish are delivered
 * again, which the event id lets a receiver ignore.
 *
 * Records are tracked in fetch order. A rebalance starts a new generation: what was
 * tracked before is forgotten, and a delivery of an older generation that finishes later
 * moves nothing (the new owner of the partition reads it again from the last commit).
 * Pure, no I/O: the notifier feeds it and asks it.
 */

/** Which record of which generation a delivery belongs to. */
export interface TrackedRecord {
  readonly generation: number
  readonly partition: number
  readonly offset: bigint
}

/** The per-partition books of unfinished deliveries. */
export interface CommitPositions {
  /** Starts a new generation (the group was joined again) and forgets every record tracked before. */
  readonly reset: () => void
  /** Tracks the record at `offset` of `partition`, with the number of deliveries it makes (0: finished at once). */
  readonly track: (partition: number, offset: bigint, deliveries: number) => TrackedRecord
  /** One delivery of `record` finished. */
  readonly finish: (record: TrackedRecord) => void
  /** The offsets to commit now (the next offset to read, per partition), only where it moved since the last `committed`. */
  readonly toCommit: () => ReadonlyArray<{ readonly partition: number; readonly offset: bigint }>
  /** Records that `offset` of `partition` was committed. */
  readonly committed: (partition: number, offset: bigint) => void
  /** Deliveries not finished, over every partition. */
  readonly pending: () => number
}

interface PartitionBook {
  /** Unfinished deliveries by offset. */
  readonly open: Map<bigint, number>
  /** One past the highest offset tracked. */
  next: bigint
  /** The last offset committed (or -1n: none by this generation). */
  committed: bigint
}

/** Nothing tracked yet. */
export const makeCommitPositions = (): CommitPositions => {
  let generation = 0
  let books = new Map<number, PartitionBook>()
  let pending = 0
  const bookOf = (partition: number): PartitionBook => {
    const found = books.get(partition)
    if (found !== undefined) return found
    const made: PartitionBook = { open: new Map(), next: -1n, committed: -1n }
    books.set(partition, made)
    return made
  }
  return {
    reset: () => {
      generation += 1
      books = new Map()
      pending = 0
    },
    track: (partition, offset, deliveries) => {
      const book = bookOf(partition)
      if (deliveries > 0) {
        book.open.set(offset, (book.open.get(offset) ?? 0) + deliveries)
        pending += deliveries
      }
      if (offset + 1n > book.next) book.next = offset + 1n
      return { generation, partition, offset }
    },
    finish: (record) => {
      if (record.generation !== generation) return
      const book = books.get(record.partition)
      const left = book?.open.get(record.offset)
      if (book === undefined || left === undefined) return
      pending -= 1
      if (left <= 1) book.open.delete(record.offset)
      else book.open.set(record.offset, left - 1)
    },
    toCommit: () => {
      const out: { partition: number; offset: bigint }[] = []
      for (const [partition, book] of books) {
        if (book.next < 0n) continue
        // The lowest open offset, not the first tracked: a partition read again (a seek,
        // a retried batch) may track a lower offset after higher ones.
        let offset = book.next
        for (const open of book.open.keys()) if (open < offset) offset = open
        if (offset > book.committed) out.push({ partition, offset })
      }
      return out
    },
    committed: (partition, offset) => {
      const book = books.get(partition)
      if (book !== undefined && offset > book.committed) book.committed = offset
    },
    pending: () => pending,
  }
}
