import { describe, expect, test } from "bun:test"
import { Deferred, Effect, Fiber, Layer } from "effect"
import { immediateRestart } from "./schedules.ts"
import { drainMain, runMain, type SignalSource, type StopSignal } from "./drain.ts"
import { LifecycleEvents } from "./events.ts"
import { makeEventRecorder, makeProbe } from "./probes.fixture.ts"

/** Signals a test can raise by calling the handler the drain installed. */
const fakeSignals = () => {
  const handlers = new Map<StopSignal, () => void>()
  const source: SignalSource = {
    on: (signal, handler) => void handlers.set(signal, handler),
    off: (signal, handler) => {
      if (handlers.get(signal) === handler) handlers.delete(signal)
    }
  }
  const raise = (signal: StopSignal) => {
    const handler = handlers.get(signal)
    if (handler === undefined) throw new Error(`no handler for ${signal}`)
    handler()
  }
  return { source, raise, installed: () => [...handlers.keys()] }
}

/** A root with one child whose stop is held open until `release`, drained by `drainMain` on fake signals. */
const slowRoot = (options: { readonly drainTimeoutMs?: number } = {}) =>
  Effect.gen(function*() {
    const recorder = yield* makeEventRecorder
    const signals = fakeSignals()
    const exits: Array<number> = []
    const logs: Array<string> = []
    const journal: Array<string> = []
    const release = yield* Deferred.make<void>()
    const slow = yield* makeProbe("slow", journal, { onStop: Deferred.await(release) })
    const main = yield* Effect.forkChild(
      drainMain({ id: "root", strategy: "one_for_one", children: [slow.spec] }, {
        exit: (code) => void exits.push(code),
        signals: signals.source,
        log: (line) => void logs.push(line),
        ...options
      }).pipe(Effect.provideService(LifecycleEvents, recorder.bus))
    )
    yield* recorder.waitFor("started root/slow")
    return { recorder, signals, exits, logs, journal, release, main }
  })

describe("drain", () => {
  test("SIGTERM publishes draining, stops the tree in reverse order and exits 0", () =>
    Effect.runPromise(Effect.gen(function*() {
      const recorder = yield* makeEventRecorder
      const signals = fakeSignals()
      const exits: Array<number> = []
      const logs: Array<string> = []
      const journal: Array<string> = []
      const probes = yield* Effect.forEach(["a", "b", "c"], (id) => makeProbe(id, journal))
      const main = yield* Effect.forkChild(
        drainMain({ id: "root", strategy: "one_for_one", children: probes.map((p) => p.spec) }, {
          exit: (code) => void exits.push(code),
          signals: signals.source,
          log: (line) => void logs.push(line)
        }).pipe(Effect.provideService(LifecycleEvents, recorder.bus))
      )
      yield* recorder.waitFor("started root/c")
      expect(signals.installed()).toEqual(["SIGTERM", "SIGINT"])

      signals.raise("SIGTERM")
      expect(yield* Fiber.join(main)).toBe(0)
      expect(exits).toEqual([0])
      expect(journal).toEqual(["init:a", "init:b", "init:c", "stop:c", "stop:b", "stop:a"])
      expect(recorder.lines().slice(3)).toEqual(["draining root", "stopped root/c", "stopped root/b", "stopped root/a"])
      expect(recorder.events()[3]).toMatchObject({ _tag: "draining", reason: "SIGTERM" })
      expect(signals.installed()).toEqual([])
      expect(logs[0]).toContain("SIGTERM received")
    })))

  test("a second signal while draining forces exit 1", () =>
    Effect.runPromise(Effect.gen(function*() {
      const { recorder, signals, exits, journal, release, main } = yield* slowRoot()
      signals.raise("SIGINT")
      yield* recorder.waitFor("draining root")
      for (let i = 0; i < 20; i++) yield* Effect.yieldNow
      expect(journal).toEqual(["init:slow", "stop:slow"])
      signals.raise("SIGTERM")
      expect(exits).toEqual([1])
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(main)
    })))

  test("a drain that outlasts drainTimeoutMs exits 1 at the deadline, saying so; one that finishes in time exits 0 once", () =>
    Effect.runPromise(Effect.gen(function*() {
      const { recorder, signals, exits, logs, journal, release, main } = yield* slowRoot({ drainTimeoutMs: 30 })
      signals.raise("SIGTERM")
      // The stop is held open, so only the deadline can end it (waited for, however late its timer fires).
      for (let waited = 0; exits.length === 0 && waited < 5_000; waited += 10) yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))
      expect(exits).toEqual([1])
      expect(journal).toEqual(["init:slow", "stop:slow"])
      expect(logs.some((line) => line.includes("did not drain within 30 ms"))).toBe(true)
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(main)

      const quick = yield* makeProbe("quick", journal)
      const inTime: Array<number> = []
      const second = fakeSignals()
      const again = yield* Effect.forkChild(
        drainMain({ id: "root2", strategy: "one_for_one", children: [quick.spec] }, {
          exit: (code) => void inTime.push(code),
          signals: second.source,
          log: () => undefined,
          drainTimeoutMs: 30
        }).pipe(Effect.provideService(LifecycleEvents, recorder.bus))
      )
      yield* recorder.waitFor("started root2/quick")
      second.raise("SIGTERM")
      expect(yield* Fiber.join(again)).toBe(0)
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 60)))
      expect(inTime).toEqual([0])
    })))

  test("a root that escalates exits 1 with the reason", () =>
    Effect.runPromise(Effect.gen(function*() {
      const recorder = yield* makeEventRecorder
      const signals = fakeSignals()
      const exits: Array<number> = []
      const logs: Array<string> = []
      const journal: Array<string> = []
      const flaky = yield* makeProbe("flaky", journal)
      const main = yield* Effect.forkChild(
        drainMain({
          id: "root",
          strategy: "one_for_one",
          intensity: { maxRestarts: 0, withinMs: 1_000 },
          backoff: immediateRestart,
          children: [flaky.spec]
        }, {
          exit: (code) => void exits.push(code),
          signals: signals.source,
          log: (line) => void logs.push(line)
        }).pipe(Effect.provideService(LifecycleEvents, recorder.bus))
      )
      yield* recorder.waitFor("started root/flaky")
      yield* flaky.crash
      expect(yield* Fiber.join(main)).toBe(1)
      expect(exits).toEqual([1])
      expect(logs.at(-1)).toContain("root supervisor \"root\" failed: EscalationError: Supervisor \"root\" gave up")
      expect(signals.installed()).toEqual([])
    })))

  test("runMain exits 1 when the services layer cannot be built", async () => {
    const exits: Array<number> = []
    const logs: Array<string> = []
    const signals = fakeSignals()
    const fiber = runMain(
      { id: "root", strategy: "one_for_one", children: [] },
      Layer.effectDiscard(Effect.fail("no kafka brokers configured")),
      { exit: (code) => void exits.push(code), log: (line) => void logs.push(line), signals: signals.source }
    )
    expect(await Effect.runPromise(Fiber.join(fiber))).toBe(1)
    expect(exits).toEqual([1])
    expect(logs[0]).toContain("could not build the services: no kafka brokers configured")
  })
})
