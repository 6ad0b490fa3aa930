import { describe, expect, test } from "bun:test"
import { Effect, Option, Schedule } from "effect"
import { capDelay } from "./backoff.ts"
import { makeBackoffTracker } from "./backoff-tracker.ts"

const delays = (tracker: ReturnType<typeof makeBackoffTracker>, key: string, times: ReadonlyArray<number>) =>
  Effect.forEach(times, (now) => Effect.map(tracker.next(key, now), Option.getOrElse(() => -1)))

describe("per-child backoff tracking and capDelay", () => {
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

  test("capDelay bounds any schedule", () =>
    Effect.runPromise(Effect.gen(function*() {
      const capped = makeBackoffTracker(Schedule.exponential("1 second").pipe(capDelay("1500 millis")), 60_000)
      expect(yield* delays(capped, "a", [0, 1, 2])).toEqual([1_000, 1_500, 1_500])
    })))
})
