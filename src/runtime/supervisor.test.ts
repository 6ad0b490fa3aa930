import { describe, expect, test } from "bun:test"
import { Deferred, Effect, Fiber, type Scope } from "effect"
import { immediateRestart } from "./schedules.ts"
import { LifecycleEvents } from "./events.ts"
import { startRoot } from "./root.ts"
import type { Strategy } from "./supervisor-spec.ts"
import { type EventRecorder, makeEventRecorder, makeProbe } from "./probes.fixture.ts"

const scenario = <A, E>(body: (recorder: EventRecorder) => Effect.Effect<A, E, Scope.Scope>) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const recorder = yield* makeEventRecorder
    return yield* body(recorder).pipe(Effect.provideService(LifecycleEvents, recorder.bus))
  })))

const threeChildren = (strategy: Strategy, recorder: EventRecorder, journal: Array<string>) =>
  Effect.gen(function*() {
    const [a, b, c] = yield* Effect.all([makeProbe("a", journal), makeProbe("b", journal), makeProbe("c", journal)])
    const handle = yield* startRoot({
      id: "root",
      strategy,
      backoff: immediateRestart,
      children: [a.spec, b.spec, c.spec]
    })
    expect(journal).toEqual(["init:a", "init:b", "init:c"])
    journal.length = 0
    yield* b.crash
    return { a, b, c, handle }
  })

describe("strategies", () => {
  test("one_for_one restarts only the crashed child", () =>
    scenario((recorder) =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const { a, b, c, handle } = yield* threeChildren("one_for_one", recorder, journal)
        yield* recorder.waitFor("restarted root/b")
        expect(journal).toEqual(["stop:b", "init:b"])
        expect([a.inits(), b.inits(), c.inits()]).toEqual([1, 2, 1])
        const children = yield* handle.children
        expect(children.map((child) => [child.id, child.status, child.restarts])).toEqual([
          ["a", "running", 0],
          ["b", "running", 1],
          ["c", "running", 0]
        ])
      })
    ))

  test("one_for_all stops the others in reverse order and restarts all in order", () =>
    scenario((recorder) =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const { a, b, c } = yield* threeChildren("one_for_all", recorder, journal)
        yield* recorder.waitFor("restarted root/c")
        expect(journal).toEqual(["stop:b", "stop:c", "stop:a", "init:a", "init:b", "init:c"])
        expect([a.inits(), b.inits(), c.inits()]).toEqual([2, 2, 2])
      })
    ))

  test("rest_for_one restarts the crashed child and those started after it", () =>
    scenario((recorder) =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const { a, b, c } = yield* threeChildren("rest_for_one", recorder, journal)
        yield* recorder.waitFor("restarted root/c")
        expect(journal).toEqual(["stop:b", "stop:c", "init:b", "init:c"])
        expect([a.inits(), b.inits(), c.inits()]).toEqual([1, 2, 2])
      })
    ))
})

describe("restart policies", () => {
  const policyScenario = (restart: "permanent" | "transient" | "temporary", end: "crash" | "finish") =>
    scenario((recorder) =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const subject = yield* makeProbe("subject", journal, { restart })
        const witness = yield* makeProbe("witness", journal)
        const handle = yield* startRoot({
          id: "root",
          strategy: "one_for_one",
          backoff: immediateRestart,
          children: [subject.spec, witness.spec]
        })
        yield* end === "crash" ? subject.crash : subject.finish
        yield* recorder.waitFor("stopped root/subject")
        // The supervisor handles exits one at a time: once the witness is back,
        // any restart of the subject would already have happened.
        yield* witness.crash
        yield* recorder.waitFor("restarted root/witness")
        const status = (yield* handle.children).find((child) => child.id === "subject")?.status
        return { inits: subject.inits(), status }
      })
    )

  const table = [
    ["permanent", "crash", 2, "running"],
    ["permanent", "finish", 2, "running"],
    ["transient", "crash", 2, "running"],
    ["transient", "finish", 1, "stopped"],
    ["temporary", "crash", 1, "stopped"],
    ["temporary", "finish", 1, "stopped"]
  ] as const
  for (const [policy, end, inits, status] of table) {
    test(`${policy} child after ${end}: ${inits} inits, ${status}`, async () => {
      expect(await policyScenario(policy, end)).toEqual({ inits, status })
    })
  }

  test("a temporary sibling caught in a one_for_all restart is stopped, not restarted", () =>
    scenario((recorder) =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const temp = yield* makeProbe("temp", journal, { restart: "temporary" })
        const worker = yield* makeProbe("worker", journal)
        yield* startRoot({ id: "root", strategy: "one_for_all", backoff: immediateRestart, children: [temp.spec, worker.spec] })
        yield* worker.crash
        yield* recorder.waitFor("restarted root/worker")
        expect(journal).toEqual(["init:temp", "init:worker", "stop:worker", "stop:temp", "init:worker"])
      })
    ))
})

describe("start and stop order", () => {
  test("the next child's init begins only after the previous init returned", () =>
    scenario(() =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const gate = yield* Deferred.make<void>()
        const a = yield* makeProbe("a", journal, {
          beforeReady: Effect.andThen(Deferred.await(gate), Effect.sync(() => journal.push("ready:a")))
        })
        const b = yield* makeProbe("b", journal)
        const starting = yield* Effect.forkChild(
          startRoot({ id: "root", strategy: "one_for_one", children: [a.spec, b.spec] })
        )
        for (let i = 0; i < 20; i++) yield* Effect.yieldNow
        expect(journal).toEqual(["init:a"])
        yield* Deferred.succeed(gate, undefined)
        yield* Fiber.join(starting)
        expect(journal).toEqual(["init:a", "ready:a", "init:b"])
      })
    ))

  test("stopping the tree stops children in reverse order, each once", () =>
    scenario((recorder) =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const probes = yield* Effect.forEach(["a", "b", "c"], (id) => makeProbe(id, journal))
        const handle = yield* startRoot({ id: "root", strategy: "one_for_one", children: probes.map((p) => p.spec) })
        yield* handle.stop
        yield* handle.stop
        yield* handle.await
        expect(journal).toEqual(["init:a", "init:b", "init:c", "stop:c", "stop:b", "stop:a"])
        expect(recorder.lines().filter((line) => line.startsWith("stopped"))).toEqual([
          "stopped root/c",
          "stopped root/b",
          "stopped root/a"
        ])
        expect((yield* handle.children).map((child) => child.status)).toEqual(["stopped", "stopped", "stopped"])
      })
    ))

  test("closing the Scope a root was started in stops the tree in reverse order", async () => {
    const journal: Array<string> = []
    await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const probes = yield* Effect.forEach(["a", "b"], (id) => makeProbe(id, journal))
      yield* startRoot({ id: "root", strategy: "one_for_one", children: probes.map((p) => p.spec) })
    })))
    expect(journal).toEqual(["init:a", "init:b", "stop:b", "stop:a"])
  })

  test("a failing init is a crash: retried before later siblings start", () =>
    scenario((recorder) =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const a = yield* makeProbe("a", journal, { failInits: 2 })
        const b = yield* makeProbe("b", journal)
        yield* startRoot({ id: "root", strategy: "one_for_one", backoff: immediateRestart, children: [a.spec, b.spec] })
        expect(journal).toEqual(["init:a", "init:a", "init:a", "init:b"])
        expect(recorder.lines()).toEqual([
          "failed root/a",
          "stopped root/a",
          "failed root/a",
          "stopped root/a",
          "restarted root/a",
          "started root/b"
        ])
      })
    ))

  test("duplicate child ids are refused with a message naming them", () =>
    scenario(() =>
      Effect.gen(function*() {
        const journal: Array<string> = []
        const a = yield* makeProbe("a", journal)
        const exit = yield* Effect.exit(startRoot({ id: "root", strategy: "one_for_one", children: [a.spec, a.spec] }))
        expect(String(exit)).toContain("duplicate child ids (a)")
        expect(journal).toEqual([])
      })
    ))
})
