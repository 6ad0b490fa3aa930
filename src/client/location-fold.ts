/**
 * Following the registry's NewLocation events, as pure functions: which block range is
 * confirmed, and what the service's location is after a batch of events. A location
 * only ever moves to a greater epoch (the contract enforces it; a log the chain dropped
 * in a reorg, `removed`, is ignored), so an old or replayed event never moves the client back.
 */
import type { NewLocationEvent } from "../registry/index.ts"

/** Where the service is, as the registry said, and the epoch of the leader that wrote it. */
export interface KnownLocation {
  readonly location: string
  readonly epoch: bigint
}

/**
 * The last block whose events count, with `head` the chain's newest block: an event is
 * confirmed once `confirmations` blocks, counting its own, are on the chain (0 and 1
 * both mean the head itself).
 */
export const confirmedThrough = (head: number, confirmations: number): number => head - Math.max(1, confirmations) + 1

/** The location after `events` (chain order) for `serviceId`: the greatest epoch wins, and only a greater one moves it. */
export const foldNewLocations = (known: KnownLocation | undefined, serviceId: string, events: ReadonlyArray<NewLocationEvent>): KnownLocation | undefined =>
  events.reduce<KnownLocation | undefined>((current, event) => {
    if (event.removed || event.serviceId !== serviceId) return current
    if (current !== undefined && event.epoch <= current.epoch) return current
    return { location: event.location, epoch: event.epoch }
  }, known)

/** A direct read of the registry replaces what the client knew unless it is older (a lagging node). */
export const acceptRead = (known: KnownLocation | undefined, read: KnownLocation): KnownLocation =>
  known !== undefined && read.epoch < known.epoch ? known : read
