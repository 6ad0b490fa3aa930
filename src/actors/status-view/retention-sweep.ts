/**
 * Deletes final requests older than `[status].retention_days`: a tombstone per request to
 * the compacted results topic first (so every other host's view deletes it too, and the
 * log cleaner drops its records), then the rows here. It sweeps once the view has caught
 * up, then every `sweepEveryMs`, and only while `retentionRefusal` allows it: a request's
 * record must outlive every copy of its message in `sendto`.
 */
import { Duration, Effect } from "effect"
import { connectSendtoProducer, type KafkaAdmin, type KafkaCluster, type KafkaProducer, topicRetentionMs, writeTombstones } from "../../adapters/kafka.ts"
import type { Logger } from "../../observability/log.ts"
import type { Counter } from "../../observability/metrics.ts"
import { expiryCutoff, retentionRefusal } from "../../status/retention.ts"
import type { StatusStore } from "../../status/store.ts"
import { statusViewEvents } from "./events.ts"

/** How often a host sweeps. */
export const sweepEveryMs = 10 * 60_000

/** Requests deleted per tombstone write. */
const chunk = 5000

/** What a sweep needs. */
export interface SweepDeps {
  readonly cluster: KafkaCluster
  readonly admin: KafkaAdmin
  readonly store: StatusStore
  readonly retentionDays: number
  readonly topics: { readonly requests: string; readonly results: string }
  readonly log: Logger
  readonly expired: Counter
}

/** One sweep: how many requests it deleted, or why it deleted none. */
export const sweepOnce = async (d: SweepDeps, producer: () => Promise<KafkaProducer>, now = Date.now()): Promise<number | string> => {
  const refusal = retentionRefusal(d.retentionDays, d.topics.requests, await topicRetentionMs(d.admin, d.topics.requests).catch(() => undefined))
  if (refusal !== undefined) return refusal
  const cutoff = expiryCutoff(now, d.retentionDays)
  let deleted = 0
  for (;;) {
    const ids = d.store.expired(cutoff, chunk)
    if (ids.length === 0) return deleted
    await writeTombstones(d.cluster, await producer(), d.topics.results, ids)
    d.store.remove(ids)
    deleted += ids.length
  }
}

/** Sweeps now and then every `sweepEveryMs`, for as long as the actor runs. */
export const sweepForever = (d: SweepDeps): Effect.Effect<never> =>
  Effect.gen(function* () {
    let connected: KafkaProducer | undefined
    const producer = async () => (connected ??= await connectSendtoProducer(d.cluster))
    yield* Effect.addFinalizer(() => Effect.promise(async () => connected?.disconnect().catch(() => undefined)))
    let lastRefusal: string | undefined
    for (;;) {
      const outcome = yield* Effect.promise(() => sweepOnce(d, producer).catch((cause: unknown) => `the sweep failed: ${cause instanceof Error ? cause.message : String(cause)}`))
      if (typeof outcome === "number") {
        lastRefusal = undefined
        if (outcome > 0) {
          d.expired.inc(undefined, outcome)
          d.log.info(statusViewEvents.expired, { deleted: outcome, retention_days: d.retentionDays })
        }
      } else if (outcome !== lastRefusal) {
        lastRefusal = outcome
        d.log.warn(statusViewEvents.retentionRefused, { reason: outcome, retention_days: d.retentionDays })
      }
      yield* Effect.sleep(Duration.millis(sweepEveryMs))
    }
  }).pipe(Effect.scoped)
