import { describe, expect, test } from "bun:test"
import { Effect, PubSub } from "effect"
import { immediateRestart } from "./schedules.ts"
import { lifecycleEventNames, LifecycleEvents, makeLifecycleBus, toLogRecord } from "./events.ts"
import { startRoot } from "./root.ts"
import { supervisorChild } from "./supervisor.ts"
import { makeProbe } from "./probes.fixture.ts"

describe("lifecycle events", () => {
  test("subscribers see started, failed, stopped, restarted with paths, ids and reasons", () =>
    Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const bus = yield* makeLifecycleBus
      const subscription = yield* bus.subscribe
      const journal: Array<string> = []
      const a = yield* makeProbe("a", journal)
      const x = yield* makeProbe("node-throttler:btc-1", journal)
      yield* startRoot({
        id: "root",
        strategy: "one_for_one",
        backoff: immediateRestart,
        children: [
          a.spec,
          supervisorChild({ id: "consumer", strategy: "one_for_one", backoff: immediateRestart, children: [x.spec] })
        ]
      }).pipe(Effect.provideService(LifecycleEvents, bus))
      yield* x.crash
      const events = []
      while (events.length < 6) events.push(yield* PubSub.take(subscription))

      expect(events.map((e) => `${e._tag} ${e.path} ${e.id}`)).toEqual([
        "started root/a a",
        "started root/consumer/node-throttler:btc-1 node-throttler:btc-1",
        "started root/consumer consumer",
        "failed root/consumer/node-throttler:btc-1 node-throttler:btc-1",
        "stopped root/consumer/node-throttler:btc-1 node-throttler:btc-1",
        "restarted root/consumer/node-throttler:btc-1 node-throttler:btc-1"
      ])
      expect(yield* PubSub.remaining(subscription)).toBe(0)
      expect(events[3]).toMatchObject({
        phase: "loop",
        reason: "ProbeCrash: probe node-throttler:btc-1 crashed on purpose"
      })
      expect(events[4]).toMatchObject({
        reason: "crashed: ProbeCrash: probe node-throttler:btc-1 crashed on purpose",
        abandoned: false
      })
      expect(events[5]).toMatchObject({ attempt: 1 })
      for (const event of events) expect(typeof event.at).toBe("number")
    }))))

  test("the default bus drops events, so supervisors run without one", () =>
    Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const journal: Array<string> = []
      const a = yield* makeProbe("a", journal)
      const handle = yield* startRoot({ id: "root", strategy: "one_for_one", children: [a.spec] })
      expect((yield* handle.children).map((c) => c.status)).toEqual(["running"])
    }))))

  test("toLogRecord names the event from the table and keeps its fields", () => {
    expect(toLogRecord({ _tag: "stopped", path: "root/a", id: "a", at: 5, reason: "loop returned", abandoned: false }))
      .toEqual({ event: "runtime.child.stopped", path: "root/a", id: "a", at: 5, reason: "loop returned", abandoned: false })
    expect(Object.keys(lifecycleEventNames).sort()).toEqual(
      ["draining", "escalated", "failed", "restarted", "started", "stopped"]
    )
  })
})
