/**
 * Keeps the service's location current without reading the registry on every call: one
 * read of `getServiceLocation` to start, then a background poll of NewLocation logs over
 * confirmed blocks only (location-fold.ts decides what they mean). The failover loop
 * calls `reread` when a location stops answering, since a move may not be confirmed yet.
 */
import { Effect } from "effect"
import { ethereumCall } from "../adapters/ethereum.ts"
import { getServiceLocation, newLocationEvents, type Registry } from "../registry/index.ts"
import { acceptRead, confirmedThrough, foldNewLocations, type KnownLocation } from "./location-fold.ts"

/** The registry could not tell where the service is. */
export interface NoLocation {
  readonly _tag: "NoLocation"
  /** The registry error's tag (UnknownService, NodeUnreachable, ...), or EmptyLocation. */
  readonly cause: string
  readonly detail: string
}

/** Tells a failed registry read from whatever else a call answers (a location, a listing, a claim). */
export const isNoLocation = <T extends object>(read: T | NoLocation): read is NoLocation => "_tag" in read && read._tag === "NoLocation"

/** Follows one service's location in one registry. */
export interface LocationTracker {
  /** What the client knows now (undefined before the first successful read). */
  readonly current: () => KnownLocation | undefined
  /** Reads the registry now (latest block) and answers what the client knows after it. */
  readonly reread: () => Promise<KnownLocation | NoLocation>
  /** Reads NewLocation logs up to the last confirmed block once. */
  readonly poll: () => Promise<void>
  /** Starts the background poll (idempotent). */
  readonly start: () => void
  /** Stops it; stopping twice is safe. */
  readonly stop: () => void
  /** How many times the registry was read directly, and how many moves the event poll brought. */
  readonly counts: () => { readonly reads: number; readonly moves: number }
}

const run = async <A, E extends { readonly _tag: string; readonly message: string }>(effect: Effect.Effect<A, E>) => {
  const result = await Effect.runPromise(Effect.result(effect))
  return result._tag === "Success" ? ({ ok: true, value: result.success } as const) : ({ ok: false, error: result.failure } as const)
}

/** A tracker for `serviceId` that polls every `pollIntervalMs` and counts events once `confirmations` blocks hold them. */
export const makeLocationTracker = (registry: Registry, serviceId: string, confirmations: number, pollIntervalMs: number): LocationTracker => {
  let known: KnownLocation | undefined
  /** The next block whose NewLocation logs are still to be read. */
  let cursor: number | undefined
  let reads = 0
  let moves = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let running = false
  let polling: Promise<void> | undefined

  const head = async (): Promise<number | undefined> => {
    const r = await run(ethereumCall(registry.node, "eth_blockNumber"))
    return r.ok ? Number(r.value) : undefined
  }

  const reread = async (): Promise<KnownLocation | NoLocation> => {
    reads++
    const before = cursor === undefined ? await head() : undefined
    const r = await run(getServiceLocation(registry, serviceId))
    if (!r.ok) return { _tag: "NoLocation", cause: r.error._tag, detail: r.error.message }
    if (r.value.location === "") return { _tag: "NoLocation", cause: "EmptyLocation", detail: `service "${serviceId}" is registered with an empty location` }
    known = acceptRead(known, r.value)
    // Everything up to `before` is in this read; events from the next block on are the poll's.
    if (cursor === undefined && before !== undefined) cursor = before + 1
    return known
  }

  const pollOnce = async (): Promise<void> => {
    if (cursor === undefined) return
    const top = await head()
    if (top === undefined) return
    const through = confirmedThrough(top, confirmations)
    if (through < cursor) return
    const r = await run(newLocationEvents(registry, { fromBlock: cursor, toBlock: through, serviceId }))
    if (!r.ok) return
    const next = foldNewLocations(known, serviceId, r.value)
    if (next !== known) moves++
    known = next
    cursor = through + 1
  }

  const poll = (): Promise<void> => {
    polling ??= pollOnce().finally(() => {
      polling = undefined
    })
    return polling
  }

  const schedule = () => {
    if (!running) return
    timer = setTimeout(() => {
      void poll().finally(schedule)
    }, pollIntervalMs)
    timer.unref?.()
  }

  return {
    current: () => known,
    reread,
    poll,
    start: () => {
      if (running) return
      running = true
      schedule()
    },
    stop: () => {
      running = false
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
    },
    counts: () => ({ reads, moves }),
  }
}
