/**
 * The follower half of the watcher: polls the chain head and the registry's NewLocation
 * and Claim logs every `[registry].poll_interval_ms`, runs them through the pure
 * `event-follower`, and hands each change to the feed, the metrics and the log. A failed
 * poll is logged and retried at the next tick; the follower's state survives it.
 */
import { Effect } from "effect"
import { ethereumCall } from "../../adapters/ethereum.ts"
import type { Logger } from "../../observability/log.ts"
import type { Registry } from "../../registry/registry-handle.ts"
import { registryEvents, type ClaimEvent, type NewLocationEvent } from "../../registry/registry-events.ts"
import { followStep, type FollowerChange, type FollowerSettings, type FollowerState, initialFollower, scanRange } from "./event-follower.ts"
import { registryWatcherEvents, type RegistryWatcherMetrics } from "./events.ts"
import { feedItemOf, type RegistryFeed } from "./registry-feed.ts"

/** The events the watcher follows. */
type Followed = NewLocationEvent | ClaimEvent

/** What the follower needs. */
export interface FollowLoopDeps {
  readonly registry: Registry
  readonly feed: RegistryFeed
  readonly log: Logger
  readonly metrics: RegistryWatcherMetrics
  readonly settings: FollowerSettings
  readonly pollEveryMs: number
  /** The first block to read events from. */
  readonly startBlock: number
}

/** Reports one change to the feed, the metrics and the log. */
const report = (d: FollowLoopDeps, change: FollowerChange<Followed>): void => {
  const e = change.event
  const previous = d.feed.recent().find((i) => i.blockHash === e.blockHash && i.logIndex === e.logIndex)
  d.feed.publish(feedItemOf(e, change.kind === "confirmed" || (change.kind === "removed" && previous?.confirmed === true), change.kind === "removed", Date.now()))
  const fields = { service: e.serviceId, block: e.blockNumber, tx: e.transactionHash }
  if (change.kind === "removed") {
    d.metrics.retracted.inc({ event: e._tag })
    d.log.warn(registryWatcherEvents.retracted, { ...fields, event: e._tag })
    return
  }
  if (change.kind !== "confirmed") return
  if (e._tag === "NewLocation") {
    d.metrics.locationChanges.inc({ service: e.serviceId })
    d.log.info(registryWatcherEvents.locationChanged, { ...fields, location: e.location, epoch: Number(e.epoch) })
  } else {
    d.metrics.claims.inc({ service: e.serviceId })
    d.log.warn(registryWatcherEvents.claim, { ...fields, failed_location: e.failedLocation, claimant: e.claimant })
  }
}

/** Runs forever, one poll per tick. */
export const followLoop = (d: FollowLoopDeps): Effect.Effect<never> =>
  Effect.gen(function* () {
    let state: FollowerState<Followed> = initialFollower(d.startBlock)
    const poll = Effect.gen(function* () {
      const head = Number(yield* ethereumCall(d.registry.node, "eth_blockNumber"))
      d.metrics.head.set(head)
      const { fromBlock, toBlock } = scanRange(state, head, d.settings)
      const logs = yield* registryEvents(d.registry, ["NewLocation", "Claim"], { fromBlock, toBlock })
      const step = followStep(state, { fromBlock, head, logs }, d.settings)
      state = step.state
      for (const change of step.changes) report(d, change)
    })
    while (true) {
      const r = yield* Effect.result(poll)
      if (r._tag === "Failure") d.log.warn(registryWatcherEvents.pollFailed, { error: r.failure._tag, detail: r.failure.message })
      yield* Effect.sleep(d.pollEveryMs)
    }
  })
