/**
 * The runtime's named retry and backoff schedules, with their defaults.
 *
 * Every delay policy lives here so it can be read in one place and passed in
 * where it is used (`SupervisorSpec.backoff`). Nothing switches on environment
 * variables: a test that wants instant restarts passes `immediateRestart`.
 */
import { Duration, Effect, Schedule } from "effect"

/**
 * A schedule that yields the delay before each successive restart of a child.
 * Its input is ignored. When it ends (for example `Schedule.recurs(n)` after n
 * steps) the supervisor gives up and escalates, just as when its intensity is
 * exceeded.
 */
export type RestartBackoff = Schedule.Schedule<unknown, unknown>

/** First restart delay of `restartBackoff`. */
export const restartBackoffBase: Duration.Duration = Duration.millis(100)

/** Growth factor of `restartBackoff` between consecutive restarts. */
export const restartBackoffFactor = 2

/** Upper bound of any `restartBackoff` delay, after jitter. */
export const restartBackoffCap: Duration.Duration = Duration.seconds(10)

/**
 * Caps every delay of a schedule, so a long crash loop waits at most `cap`
 * between attempts instead of growing without bound.
 */
export const capDelay = (cap: Duration.Input) =>
  <Output, Input>(self: Schedule.Schedule<Output, Input>): Schedule.Schedule<Output, Input> =>
    Schedule.modifyDelay(self, (metadata) => Effect.succeed(Duration.min(metadata.duration, Duration.fromInputUnsafe(cap))))

/**
 * The default delay between restarts: 100 ms, then doubling (200, 400, ...),
 * each delay scaled by a random factor in [0.8, 1.2] so that siblings which
 * crashed together do not reconnect in lockstep, and never more than 10 s.
 */
export const restartBackoff: RestartBackoff = Schedule.exponential(restartBackoffBase, restartBackoffFactor).pipe(
  Schedule.jittered,
  capDelay(restartBackoffCap)
)

/**
 * Restart at once, with no delay. Meant for tests and for children whose
 * restart is cheap and cannot hammer a remote system.
 */
export const immediateRestart: RestartBackoff = Schedule.forever
