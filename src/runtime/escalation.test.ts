import { describe, expect, test } from "bun:test"
import { Effect, Exit, type Scope } from "effect"
import { immediateRestart } from "./schedules.ts"
import { EscalationError } from "./escalation-error.ts"
import { LifecycleEvents } from "./events.ts"
import { startRoot } from "./root.ts"
import { supervisorChild } from "./supervisor.ts"
import { type EventRecorder, makeEventRecorder, makeProbe } from "./probes.fixture.ts"

const scenario = <A, E>(body: (recorder: EventRecorder) => Effect.Effect<A, E, Scope.Scope>) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const recorder = yield* makeEventRecorder
    return yield* body(recorder).pipe(Effect.provideService(LifecycleEvents, recorder.bus))
  })))

describe("escalation", () => {
  test("exceeding the intensity stops all children in reverse order and fails the root", () =>
    scenario((recorder) =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const a = yield* makeProbe("a", journal)
        const b = yield* makeProbe("b", journal)
        const c = yield* makeProbe("c", journal)
        const handle = yield* startRoot({
          id: "root",
          strategy: "one_for_one",
          intensity: { maxRestarts: 2, withinMs: 60_000 },
          backoff: immediateRestart,
          children: [a.spec, b.spec, c.spec]
        })
        for (let crash = 1; crash <= 2; crash++) {
          yield* b.crash
          yield* recorder.waitFor("restarted root/b", crash)
        }
        journal.length = 0
        yield* b.crash
        const error = yield* Effect.flip(handle.await)
        expect(error).toBeInstanceOf(EscalationError)
        expect(error).toMatchObject({ path: "root", childId: "b", kind: "intensity", restarts: 3, maxRestarts: 2 })
        expect(error.message).toContain("3 restarts within 60000 ms exceed the limit of 2")
        expect(journal).toEqual(["stop:b", "stop:c", "stop:a"])
        expect(b.inits()).toBe(3)
        expect(recorder.lines().slice(-1)).toEqual(["escalated root"])
      })
    ))

  test("a nested supervisor's escalation is a crash of that child for its parent", () =>
    scenario((recorder) =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const a = yield* makeProbe("a", journal)
        const x = yield* makeProbe("x", journal)
        const y = yield* makeProbe("y", journal)
        const handle = yield* startRoot({
          id: "root",
          strategy: "one_for_one",
          intensity: { maxRestarts: 1, withinMs: 60_000 },
          backoff: immediateRestart,
          children: [
            a.spec,
            supervisorChild({
              id: "inner",
              strategy: "one_for_one",
              intensity: { maxRestarts: 0, withinMs: 60_000 },
              backoff: immediateRestart,
              children: [x.spec, y.spec]
            })
          ]
        })
        expect(journal).toEqual(["init:a", "init:x", "init:y"])
        journal.length = 0

        yield* x.crash
        yield* recorder.waitFor("restarted root/inner")
        expect(journal).toEqual(["stop:x", "stop:y", "init:x", "init:y"])
        expect(a.inits()).toBe(1)
        const failure = recorder.events().find((event) => event._tag === "failed" && event.path === "root/inner")
        expect(failure).toMatchObject({ phase: "loop" })
        expect(failure?._tag === "failed" && failure.reason).toContain("EscalationError: Supervisor \"root/inner\" gave up")
        expect(recorder.lines().filter((line) => line.startsWith("escalated"))).toEqual(["escalated root/inner"])

        journal.length = 0
        yield* y.crash
        const error = yield* Effect.flip(handle.await)
        expect(error).toMatchObject({ path: "root", childId: "inner", restarts: 2, maxRestarts: 1 })
        expect(journal).toEqual(["stop:y", "stop:x", "stop:a"])
        expect(recorder.lines().filter((line) => line.startsWith("escalated"))).toEqual([
          "escalated root/inner",
          "escalated root/inner",
          "escalated root"
        ])
      })
    ))

  test("a root whose children cannot start fails startRoot and leaves nothing running", () =>
    scenario(() =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const a = yield* makeProbe("a", journal)
        const b = yield* makeProbe("b", journal, { failInits: 100 })
        const exit = yield* Effect.exit(startRoot({
          id: "root",
          strategy: "one_for_one",
          intensity: { maxRestarts: 2, withinMs: 60_000 },
          backoff: immediateRestart,
          children: [a.spec, b.spec]
        }))
        expect(Exit.isFailure(exit)).toBe(true)
        expect(journal).toEqual(["init:a", "init:b", "init:b", "init:b", "stop:a"])
      })
    ))
})
