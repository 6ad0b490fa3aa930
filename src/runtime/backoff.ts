/**
 * The mechanics that retry and backoff policies are built from: capping a schedule's
 * delays, growing a delay exponentially, and jittering it. The policies themselves, with
 * their numbers, are named in `schedules.ts`; this module holds no numbers of its own
 * beyond the ±20% jitter every jittered policy shares.
 */
import { Duration, Effect, Schedule } from "effect"

/**
 * A schedule that yields the delay before each successive restart of a child.
 * Its input is ignored. When it ends (for example `Schedule.recurs(n)` after n
 * steps) the supervisor gives up and escalates, just as when its intensity is
 * exceeded.
 */
export type RestartBackoff = Schedule.Schedule<unknown, unknown>

/**
 * Caps every delay of a schedule, so a long crash loop waits at most `cap`
 * between attempts instead of growing without bound.
 */
export const capDelay = (cap: Duration.Input) =>
  <Output, Input>(self: Schedule.Schedule<Output, Input>): Schedule.Schedule<Output, Input> =>
    Schedule.modifyDelay(self, (metadata) => Effect.succeed(Duration.min(metadata.duration, Duration.fromInputUnsafe(cap))))

/** A capped exponential backoff, as plain numbers: `baseMs`, then times `factor` per step, never above `maxMs`. */
export interface ExponentialBackoff {
  readonly baseMs: number
  readonly factor: number
  readonly maxMs: number
}

/**
 * The delay of step `step` (0 for the first) of `backoff`, in whole milliseconds. A step
 * so large that the power overflows still answers `maxMs`.
 */
export const exponentialDelayMs = (backoff: ExponentialBackoff, step: number): number =>
  Math.min(backoff.maxMs, Math.round(backoff.baseMs * backoff.factor ** step))

/**
 * `ms` scaled by a random factor in [0.8, 1.2], the same spread as `Schedule.jittered`,
 * so that callers who failed together do not come back in lockstep.
 */
export const jitterMs = (ms: number, random: () => number = Math.random): number => ms * (0.8 + random() * 0.4)
