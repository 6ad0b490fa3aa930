/**
 * The replica's named retry delays. Reads the replica cannot do without (`LogSize`, log
 * entries, the snapshot) are retried until they succeed or the replica stops; a session
 * that could not even be granted a lease waits longer each time.
 */
import { Effect, Schedule } from "effect"
import { capDelay } from "../../runtime/backoff.ts"
import type { Logger } from "../../observability/log.ts"
import { replicaEvents } from "./events.ts"

/** Between attempts at a needed etcd read: 50 ms, doubling, jittered, at most 1 s, forever. */
export const etcdRetry = Schedule.exponential("50 millis", 2).pipe(Schedule.jittered, capDelay("1 second"))

/** A failed attempt is logged once every this many. */
const logEvery = 10

/**
 * Runs `effect` until it succeeds, waiting `etcdRetry` between attempts and logging
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
      Effect.retry(etcdRetry),
      Effect.orDie,
    )
  })

/** Delay before the next session after `failures` sessions in a row that could not start: 100 ms doubling to 2 s. */
export const sessionRetryDelayMs = (failures: number): number => Math.min(2_000, 100 * 2 ** Math.min(failures, 5))
