/**
 * The in-process feed of registry activity the registry-watcher fills and the dashboard
 * reads: the last 200 location changes and claims, newest first, each marked confirmed
 * once it has its confirmations and removed if a reorg dropped it. Subscribers hear every
 * change (a new item, a confirmation, a retraction) as it happens.
 */
import type { ClaimEvent, NewLocationEvent } from "../../registry/registry-events.ts"
import { logId } from "./event-follower.ts"

/** One location change or claim, as the dashboard shows it. JSON-safe (epochs are numbers). */
export interface FeedItem {
  /** Block hash and log index: stable across confirmation, new after a re-mine. */
  readonly id: string
  readonly kind: "location" | "claim"
  readonly serviceId: string
  /** The new location, or the location a claimant could not reach. */
  readonly location: string
  /** The epoch of a location change; undefined for a claim. */
  readonly epoch: number | undefined
  /** Who claimed; undefined for a location change. */
  readonly claimant: string | undefined
  readonly blockNumber: number
  readonly blockHash: string
  readonly txHash: string
  readonly logIndex: number
  readonly confirmed: boolean
  readonly removed: boolean
  /** When the watcher first saw it (ms since the epoch). */
  readonly seenAt: number
}

/** Reads and listens to registry activity. */
export interface RegistryFeed {
  /** The last `feedCapacity` items, newest first. */
  readonly recent: () => readonly FeedItem[]
  /** Calls `listener` with each new or changed item; answers the unsubscribe function. */
  readonly subscribe: (listener: (item: FeedItem) => void) => () => void
  /** Records an item or a change to one (same id); for the watcher. */
  readonly publish: (item: FeedItem) => void
}

/** How many items the feed keeps. */
export const feedCapacity = 200

/** The feed item for a registry event with its current confirmation state. */
export const feedItemOf = (event: NewLocationEvent | ClaimEvent, confirmed: boolean, removed: boolean, seenAt: number): FeedItem => ({
  id: logId(event),
  kind: event._tag === "NewLocation" ? "location" : "claim",
  serviceId: event.serviceId,
  location: event._tag === "NewLocation" ? event.location : event.failedLocation,
  epoch: event._tag === "NewLocation" ? Number(event.epoch) : undefined,
  claimant: event._tag === "Claim" ? event.claimant : undefined,
  blockNumber: event.blockNumber,
  blockHash: event.blockHash,
  txHash: event.transactionHash,
  logIndex: event.logIndex,
  confirmed,
  removed,
  seenAt,
})

const newestFirst = (a: FeedItem, b: FeedItem): number => b.blockNumber - a.blockNumber || b.logIndex - a.logIndex || b.seenAt - a.seenAt

/** An empty feed. */
export const makeRegistryFeed = (): RegistryFeed => {
  let items: FeedItem[] = []
  const listeners = new Set<(item: FeedItem) => void>()
  return {
    recent: () => items,
    subscribe: (listener) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    publish: (item) => {
      const at = items.findIndex((i) => i.id === item.id)
      const next = at >= 0 ? items.map((i, n) => (n === at ? { ...item, seenAt: i.seenAt } : i)) : [...items, item]
      items = next.sort(newestFirst).slice(0, feedCapacity)
      const stored = items.find((i) => i.id === item.id) ?? item
      for (const l of [...listeners]) l(stored)
    },
  }
}
