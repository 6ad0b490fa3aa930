/**
 * Steps a restart backoff schedule separately for each crashing child, so one
 * child's crash loop does not lengthen the delay of a sibling that crashed once.
 */
import { Duration, Effect, Option, Pull, Schedule } from "effect"
import type { RestartBackoff } from "./backoff.ts"

type Step = (now: number, input: unknown) => Pull.Pull<[unknown, Duration.Duration], never, unknown>

interface Track {
  readonly step: Step
  lastAt: number
}

/** Hands out successive restart delays per child. */
export interface BackoffTracker {
  /**
   * The delay (ms) before the next restart caused by the child `key` crashing
   * at `now`, or `None` once the schedule has ended. A child that has not
   * crashed for `quietMs` starts again from the schedule's first delay.
   */
  readonly next: (key: string, now: number) => Effect.Effect<Option.Option<number>>
}

/** Creates a tracker that forgets a child's backoff after `quietMs` without crashes. */
export const makeBackoffTracker = (schedule: RestartBackoff, quietMs: number): BackoffTracker => {
  const tracks = new Map<string, Track>()
  const trackFor = (key: string, now: number): Effect.Effect<Track> => {
    const known = tracks.get(key)
    if (known !== undefined && now - known.lastAt < quietMs) return Effect.succeed(known)
    return Effect.map(Schedule.toStep(schedule), (step) => {
      const track: Track = { step, lastAt: now }
      tracks.set(key, track)
      return track
    })
  }
  return {
    next: (key, now) =>
      Effect.flatMap(trackFor(key, now), (track) => {
        track.lastAt = now
        return track.step(now, undefined).pipe(
          Effect.map(([, delay]) => Option.some(Duration.toMillis(delay))),
          Pull.catchDone(() => Effect.succeedNone)
        )
      })
  }
}
