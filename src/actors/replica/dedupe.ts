/**
 * The request ids applied most recently, each with the index it was first applied at.
 * Apply consults it so that a request appended twice (a client retrying after a
 * failover, or two clients racing with the same id) takes effect once, and the retry
 * is answered with the first index. It is part of the replicated state: bounded by
 * entry count, evicting oldest first, and saved in snapshots in order, so every replica
 * makes the same decision.
 */

/** Ids of the last `capacity` distinct requests applied, oldest first. */
export interface Dedupe {
  readonly capacity: number
  /** Insertion order is application order, which eviction follows. */
  readonly firstIndex: ReadonlyMap<string, number>
}

/**
 * Requests remembered by default. It must cover the longest time a client may retry a
 * request; 4096 covers minutes at paper B's 2 requests/s and keeps a snapshot small.
 */
export const defaultDedupeCapacity = 4096

/** An empty window. */
export const emptyDedupe = (capacity: number = defaultDedupeCapacity): Dedupe => ({ capacity, firstIndex: new Map() })

/** The index `id` was first applied at, if it is still remembered. */
export const firstIndexOf = (d: Dedupe, id: string): number | undefined => d.firstIndex.get(id)

/** A window that also remembers `applied` (in order), evicting the oldest beyond capacity. */
export const remember = (d: Dedupe, applied: readonly { readonly id: string; readonly index: number }[]): Dedupe => {
  if (applied.length === 0) return d
  const next = new Map(d.firstIndex)
  for (const { id, index } of applied) if (!next.has(id)) next.set(id, index)
  for (const id of next.keys()) {
    if (next.size <= d.capacity) break
    next.delete(id)
  }
  return { capacity: d.capacity, firstIndex: next }
}

/** The snapshot form: `[id, index]` pairs, oldest first. */
export const dedupeToJson = (d: Dedupe): [string, number][] => [...d.firstIndex]

/** The window saved by `dedupeToJson`, or undefined if `json` is not one. */
export const dedupeFromJson = (json: unknown, capacity: number = defaultDedupeCapacity): Dedupe | undefined => {
  if (!Array.isArray(json)) return undefined
  const pairs: [string, number][] = []
  for (const p of json) {
    if (!Array.isArray(p) || typeof p[0] !== "string" || typeof p[1] !== "number") return undefined
    pairs.push([p[0], p[1]])
  }
  return remember(emptyDedupe(capacity), pairs.map(([id, index]) => ({ id, index })))
}
