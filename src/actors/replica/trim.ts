/**
 * When the leader writes a snapshot, and how much of the log it may then delete. The
 * log below the lowest latest-processed index (LPI) of the live replicas is no longer
 * needed by any of them, and the snapshot covers it for a replica that joins later or
 * comes back from the dead. Progress keys live on their node's lease, so a dead node's
 * key is gone and does not hold trimming back; when it returns it loads the snapshot.
 */

/** True when `every` entries have been applied since the last snapshot. */
export const snapshotDue = (lpi: number, lastSnapshotIndex: number, every: number): boolean => lpi - lastSnapshotIndex >= every

/**
 * The highest index that may be deleted after a snapshot at `snapshotIndex`, given the
 * LPIs of live replicas (the leader's own included), or undefined if nothing beyond
 * `trimmedTo` may go. Never above the snapshot: what is deleted must be in it.
 */
export const trimBound = (liveLpis: readonly number[], snapshotIndex: number, trimmedTo: number): number | undefined => {
  const bound = Math.min(snapshotIndex, ...liveLpis)
  return bound > trimmedTo ? bound : undefined
}
