/**
 * Which consumer offset a partition may commit: everything before it must be finished,
 * that is, its outcome recorded (or the message skipped as a copy). Messages finish out
 * of order (keys run in parallel), so the committable offset is the end of the unbroken
 * run of finished messages from the oldest one still held.
 *
 * A message counts as finished from the moment its records are handed to the recorder:
 * the recorder commits in order and retries a failed transaction before any later one,
 * so an offset can never be committed ahead of the records it depends on.
 */

/** The offsets of one partition between fetch and commit. */
export interface OffsetBook {
  /** Messages fetched, in log order. */
  readonly receive: (offsets: readonly bigint[]) => void
  readonly finish: (offsets: readonly bigint[]) => void
  /** The next offset to read after the finished prefix (the value Kafka stores), or undefined if nothing new is finished. */
  readonly committable: () => bigint | undefined
  /** Messages received and not finished. */
  readonly open: () => number
  /**
   * An offset that is always safe to commit again: the committable one, else the oldest
   * held message (everything before it was finished by an earlier owner), else undefined.
   */
  readonly floor: () => bigint | undefined
}

/** An empty book; `committedNext` is where the partition's committed offset stood at assignment. */
export const makeOffsetBook = (committedNext?: bigint): OffsetBook => {
  // Held offsets in log order; `finished` marks which of them are done.
  const held: bigint[] = []
  let head = 0
  const finished = new Set<bigint>()
  let next = committedNext
  return {
    receive: (offsets) => {
      for (const o of offsets) held.push(o)
    },
    finish: (offsets) => {
      for (const o of offsets) finished.add(o)
      while (head < held.length && finished.has(held[head] as bigint)) {
        const o = held[head] as bigint
        finished.delete(o)
        next = o + 1n
        head += 1
      }
      if (head > 4096) {
        held.splice(0, head)
        head = 0
      }
    },
    committable: () => next,
    open: () => held.length - head,
    floor: () => next ?? held[head],
  }
}
