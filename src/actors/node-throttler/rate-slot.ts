/**
 * Calls-per-second as evenly spaced slots: each call takes the next free slot, at least
 * `1000 / rps` ms after the previous one. Pure, so the spacing is tested without a clock.
 */

/** The slot a call gets and the new "last slot", given the previous one and the time now. */
export const reserveSlot = (lastSlot: number, now: number, rps: number): { readonly at: number; readonly waitMs: number } => {
  const interval = 1000 / rps
  const at = Math.max(now, lastSlot + interval)
  return { at, waitMs: at - now }
}
