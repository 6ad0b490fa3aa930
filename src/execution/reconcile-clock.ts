/**
 * When a lane compares what the status store says is in flight in its partition with what
 * it follows (see `reconcileBook` and `reconcileBitcoin`): every `reconcileEveryMs`, and
 * only for requests whose newest record has stood still for `reconcileAfterMs` (a younger
 * one may be settling at that moment). The first round after a takeover only starts the
 * clock, since the takeover has just rebuilt the lane from the same store.
 */

/** How often a lane compares. */
export const reconcileEveryMs = 15_000
/** How long a request's newest record must have stood still before a comparison takes it back. */
export const reconcileAfterMs = 30_000

/** The `before` (ms) that asks the store only for requests whose newest record has stood still `reconcileAfterMs` at `now`. */
export const stoodStillBefore = (now: number): number => now - reconcileAfterMs + 1

const comparedAt = new WeakMap<object, number>()

/** True when the lane whose state is `key` should compare at `now` (ms); records the comparison. */
export const timeToReconcile = (key: object, now: number): boolean => {
  const last = comparedAt.get(key)
  if (last !== undefined && now - last < reconcileEveryMs) return false
  comparedAt.set(key, now)
  return last !== undefined
}
