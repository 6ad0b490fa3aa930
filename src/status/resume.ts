/**
 * Whether a status store's read positions can be resumed from: each must still lie
 * within its partition of the topic. A position below the partition's first offset means
 * records were deleted unread; one beyond its end means the topic was deleted and made
 * again. Either way the store no longer matches the topic and is read again from the
 * beginning. Pure, so the rule is table-tested.
 */

/** One partition's first offset and end (the next offset to be written). */
export interface PartitionBounds {
  readonly partition: number
  readonly low: bigint
  readonly high: bigint
}

/** Why the stored positions cannot be resumed from, or undefined when they can. */
export const positionsToDiscard = (saved: ReadonlyMap<number, bigint>, bounds: readonly PartitionBounds[]): string | undefined => {
  const byPartition = new Map(bounds.map((b) => [b.partition, b]))
  for (const [partition, next] of saved) {
    const b = byPartition.get(partition)
    if (b === undefined) return `partition ${partition} of the topic no longer exists`
    if (next > b.high) return `partition ${partition} ends at ${b.high}, before the stored position ${next}: the topic was made again`
    if (next < b.low) return `partition ${partition} starts at ${b.low}, after the stored position ${next}: records were deleted unread`
  }
  return undefined
}
