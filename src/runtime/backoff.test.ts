import { describe, expect, test } from "bun:test"
import { Effect, Option, Schedule } from "effect"
import { capDelay, immediateRestart, restartBackoff } from "./backoff.ts"
import { makeBackoffTracker } from "./backoff-tracker.ts"

const delays = (tracker: ReturnType<typeof makeBackoffTracker>, key: string, times: ReadonlyArray<number>) =>
  Effect.forEach(times, (now) => Effect.map(tracker.next(key, now), Option.getOrElse(() => -1)))

describe("restart backoff", () => {
  test("restartBackoff doubles from 100 ms within ±20% jitter and is capped at 10 s", () =>
    Effect.runPromise(Effect.gen(function*() {
      const tracker = makeBackoffTracker(restartBackoff, 60_000)
      const got = yield* delays(tracker, "a", Array.from({ length: 10 }, (_, i) => i))
      const nominal = [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200]
      got.forEach((delay, i) => {
        expect(delay).toBeGreaterThanOrEqual(Math.min(nominal[i]! * 0.8, 10_000))
        expect(delay).toBeLessThanOrEqual(Math.min(nominal[i]! * 1.2, 10_000))
      })
      expect(got.slice(-3)).toEqual([10_000, 10_000, 10_000])
    })))

  test("each child has its own progression, reset after a quiet period", () =>
    Effect.runPromise(Effect.gen(function*() {
      const tracker = makeBackoffTracker(Schedule.exponential("100 millis"), 1_000)
      expect(yield* delays(tracker, "a", [0, 10, 20])).toEqual([100, 200, 400])
      expect(yield* delays(tracker, "b", [30])).toEqual([100])
      expect(yield* delays(tracker, "a", [2_000, 2_010])).toEqual([100, 200])
    })))

  test("an exhausted schedule yields None", () =>
    Effect.runPromise(Effect.gen(function*() {
      const tracker = makeBackoffTracker(Schedule.recurs(2), 1_000)
      expect(yield* delays(tracker, "a", [0, 1, 2])).toEqual([0, 0, -1])
    })))

  test("immediateRestart never waits and capDelay bounds any schedule", () =>
    Effect.runPromise(Effect.gen(function*() {
      expect(yield* delays(makeBackoffTracker(immediateRestart, 1_000), "a", [0, 1, 2])).toEqual([0, 0, 0])
      const capped = makeBackoffTracker(Schedule.exponential("1 second").pipe(capDelay("1500 millis")), 60_000)
      expect(yield* delays(capped, "a", [0, 1, 2])).toEqual([1_000, 1_500, 1_500])
    })))
})
