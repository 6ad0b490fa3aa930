/**
 * Whether a new leader must move the service in the registry, decided from what the
 * registry holds now. The contract only accepts an epoch above the last one, so a
 * registry already at this epoch or a newer one is never written again: at the same
 * epoch and location it is this leader's earlier (possibly unanswered) write; anything
 * else means a newer leader has moved it, and the write would only fail as StaleEpoch.
 */

/** What to do for a leader of `epoch` at `location`. */
export type WritePlan = "write" | "already" | "stale"

/** Decides from the registry's current location and epoch. */
export const planWrite = (current: { readonly location: string; readonly epoch: bigint }, location: string, epoch: number): WritePlan => {
  const mine = BigInt(epoch)
  if (current.epoch < mine) return "write"
  return current.epoch === mine && current.location === location ? "already" : "stale"
}
