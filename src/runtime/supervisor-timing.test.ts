import { describe, expect, test } from "bun:test"
import { Effect, Fiber, Schedule, type Scope } from "effect"
import { TestClock } from "effect/testing"
import { restartBackoff } from "./schedules.ts"
import { LifecycleEvents } from "./events.ts"
import { startRoot } from "./root.ts"
import { type EventRecorder, makeEventRecorder, makeProbe } from "./probes.fixture.ts"

/** Runs a scenario on Effect's TestClock: time moves only through `TestClock.adjust`. */
const timed = <A, E>(body: (recorder: EventRecorder) => Effect.Effect<A, E, Scope.Scope>) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const recorder = yield* makeEventRecorder
    return yield* body(recorder).pipe(Effect.provideService(LifecycleEvents, recorder.bus))
  })).pipe(Effect.provide(TestClock.layer())))

const settle = Effect.gen(function*() {
  for (let i = 0; i < 20; i++) yield* Effect.yieldNow
})

describe("restart backoff timing (TestClock)", () => {
  test("restarts wait 100, 200, then 400 ms", () =>
    timed((recorder) =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const child = yield* makeProbe("a", journal)
        yield* startRoot({
          id: "root",
          strategy: "one_for_one",
          intensity: { maxRestarts: 10, withinMs: 60_000 },
          backoff: Schedule.exponential("100 millis"),
          children: [child.spec]
        })
        for (const [attempt, delay] of [[1, 100], [2, 200], [3, 400]] as const) {
          yield* child.crash
          yield* recorder.waitFor("stopped root/a", attempt)
          yield* settle
          yield* TestClock.adjust(delay - 1)
          yield* settle
          expect(child.inits()).toBe(attempt)
          yield* TestClock.adjust(1)
          yield* recorder.waitFor("restarted root/a", attempt)
          expect(child.inits()).toBe(attempt + 1)
        }
        const failedAt = recorder.events().filter((e) => e._tag === "failed").map((e) => e.at)
        const restartedAt = recorder.events().filter((e) => e._tag === "restarted").map((e) => e.at)
        expect(restartedAt.map((at, i) => at - failedAt[i]!)).toEqual([100, 200, 400])
      })
    ))

  test("the default restartBackoff waits 100 ms ±20% before the first restart", () =>
    timed((recorder) =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const child = yield* makeProbe("a", journal)
        yield* startRoot({ id: "root", strategy: "one_for_one", backoff: restartBackoff, children: [child.spec] })
        yield* child.crash
        yield* recorder.waitFor("stopped root/a")
        yield* settle
        yield* TestClock.adjust(79)
        yield* settle
        expect(child.inits()).toBe(1)
        yield* TestClock.adjust(42)
        yield* recorder.waitFor("restarted root/a")
        expect(child.inits()).toBe(2)
      })
    ))

  test("a supervisor whose backoff schedule ends escalates", () =>
    timed((recorder) =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const child = yield* makeProbe("a", journal)
        const handle = yield* startRoot({
          id: "root",
          strategy: "one_for_one",
          intensity: { maxRestarts: 10, withinMs: 60_000 },
          backoff: Schedule.recurs(1),
          children: [child.spec]
        })
        yield* child.crash
        yield* recorder.waitFor("restarted root/a")
        yield* child.crash
        const error = yield* Effect.flip(handle.await)
        expect(error).toMatchObject({ kind: "backoff-exhausted", childId: "a" })
      })
    ))
})

describe("shutdown timeout (TestClock)", () => {
  test("a child whose stop outlasts shutdownMs is abandoned and its elder sibling still stops", () =>
    timed((recorder) =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const a = yield* makeProbe("a", journal)
        const stuck = yield* makeProbe("stuck", journal, { shutdownMs: 50, onStop: Effect.never })
        const handle = yield* startRoot({ id: "root", strategy: "one_for_one", children: [a.spec, stuck.spec] })
        const stopping = yield* Effect.forkChild(handle.stop)
        yield* settle
        expect(journal).toEqual(["init:a", "init:stuck", "stop:stuck"])
        yield* TestClock.adjust(49)
        yield* settle
        expect(stopping.pollUnsafe()).toBeUndefined()
        yield* TestClock.adjust(1)
        yield* Fiber.join(stopping)
        expect(journal).toEqual(["init:a", "init:stuck", "stop:stuck", "stop:a"])
        const stopped = recorder.events().filter((e) => e._tag === "stopped")
        expect(stopped.map((e) => [e.path, e._tag === "stopped" && e.abandoned])).toEqual([
          ["root/stuck", true],
          ["root/a", false]
        ])
      })
    ))
})
