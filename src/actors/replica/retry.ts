/**
 * Reads the replica cannot do without (`LogSize`, log entries, the snapshot) are retried
 * until they succeed or the replica stops, on `etcdReadRetry` (runtime/schedules.ts).
 */
import { Effect } from "effect"
import type { Logger } from "../../observability/log.ts"
import { etcdReadRetry } from "../../runtime/schedules.ts"
import { replicaEvents } from "./events.ts"

/** A failed attempt is logged once every this many. */
const logEvery = 10

/**
 * Runs `effect` until it succeeds, waiting `etcdReadRetry` between attempts and logging
 * `replica.etcd-retry` now and then. Only interruption stops it.
 */
export const retryEtcd = <A, E extends { readonly _tag: string; readonly message: string }>(
  log: Logger,
  fields: Record<string, unknown>,
  effect: Effect.Effect<A, E>,
): Effect.Effect<A> =>
  Effect.suspend(() => {
    let failures = 0
    return effect.pipe(
      Effect.tapError((e) =>
        Effect.sync(() => {
          if (failures++ % logEvery === 0) log.warn(replicaEvents.etcdRetry, { ...fields, attempt: failures, error: e._tag, detail: e.message })
        })),
      Effect.retry(etcdReadRetry),
      Effect.orDie,
    )
  })
