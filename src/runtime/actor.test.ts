import { describe, expect, test } from "bun:test"
import { Data, Deferred, Effect, Exit, Fiber, Scope } from "effect"
import type { ChildSpec } from "./child-spec.ts"
import { type ActorRef, makeActor, makeScopedActor } from "./actor.ts"
import { immediateRestart } from "./schedules.ts"
import { LifecycleEvents } from "./events.ts"
import { MailboxClosedError } from "./mailbox.ts"
import { CurrentPath } from "./path.ts"
import { startRoot } from "./root.ts"
import { makeEventRecorder } from "./probes.fixture.ts"

type CounterMsg =
  | { readonly _tag: "add"; readonly n: number }
  | { readonly _tag: "boom" }
  | { readonly _tag: "get"; readonly reply: Deferred.Deferred<number> }
  | { readonly _tag: "hold"; readonly until: Deferred.Deferred<void> }

class CounterBroke extends Data.TaggedError("CounterBroke")<{}> {}

/** The pure part: the next state for a message. */
const transition = (state: number, msg: CounterMsg): number => (msg._tag === "add" ? state + msg.n : state)

const handle = (state: number, msg: CounterMsg): Effect.Effect<number, CounterBroke> => {
  switch (msg._tag) {
    case "boom":
      return Effect.fail(new CounterBroke())
    case "get":
      return Effect.as(Deferred.succeed(msg.reply, state), state)
    case "hold":
      return Effect.as(Deferred.await(msg.until), state)
    case "add":
      return Effect.succeed(transition(state, msg))
  }
}

const ask = (tell: (msg: CounterMsg) => Effect.Effect<void, MailboxClosedError>) =>
  Effect.gen(function*() {
    const reply = yield* Deferred.make<number>()
    yield* tell({ _tag: "get", reply })
    return yield* Deferred.await(reply)
  })

describe("actor", () => {
  test("handles messages in order and keeps its ref valid across a restart", () =>
    Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const recorder = yield* makeEventRecorder
      const counter = yield* makeActor({ id: "counter", capacity: 8, initialState: 0, handle })
      yield* startRoot({ id: "root", strategy: "one_for_one", backoff: immediateRestart, children: [counter.spec] })
        .pipe(Effect.provideService(LifecycleEvents, recorder.bus))
      yield* counter.ref.tell({ _tag: "add", n: 2 })
      yield* counter.ref.tell({ _tag: "add", n: 3 })
      expect(yield* ask(counter.ref.tell)).toBe(5)

      yield* counter.ref.tell({ _tag: "boom" })
      yield* counter.ref.tell({ _tag: "add", n: 7 })
      yield* recorder.waitFor("restarted root/counter")
      // The state restarted from 0; the message queued behind the crash survived.
      expect(yield* ask(counter.ref.tell)).toBe(7)
    }))))

  test("tell backpressures and tryTell refuses while the mailbox is full", () =>
    Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const counter = yield* makeActor({ id: "counter", capacity: 1, initialState: 0, handle })
      yield* startRoot({ id: "root", strategy: "one_for_one", children: [counter.spec] })
      const until = yield* Deferred.make<void>()
      yield* counter.ref.tell({ _tag: "hold", until })
      yield* Effect.yieldNow
      yield* counter.ref.tell({ _tag: "add", n: 1 })
      expect(yield* counter.ref.tryTell({ _tag: "add", n: 10 })).toBe(false)
      expect(yield* counter.ref.pending).toBe(1)
      const blocked = yield* Effect.forkChild(counter.ref.tell({ _tag: "add", n: 10 }))
      for (let i = 0; i < 20; i++) yield* Effect.yieldNow
      expect(blocked.pollUnsafe()).toBeUndefined()
      yield* Deferred.succeed(until, undefined)
      yield* Fiber.join(blocked)
      expect(yield* ask(counter.ref.tell)).toBe(11)
    }))))

  test("setup runs in the child's scope and sees the child's path", () =>
    Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const journal: Array<string> = []
      const counter = yield* makeActor({
        id: "counter",
        capacity: 4,
        initialState: 0,
        handle,
        setup: (initial: number) =>
          Effect.gen(function*() {
            journal.push(`open ${yield* CurrentPath}`)
            yield* Effect.addFinalizer(() => Effect.sync(() => journal.push("close")))
            return initial + 100
          })
      })
      const tree = yield* startRoot({ id: "root", strategy: "one_for_one", children: [counter.spec] })
      expect(yield* ask(counter.ref.tell)).toBe(100)
      yield* tree.stop
      expect(journal).toEqual(["open root/counter", "close"])
    }))))

  test("after its Scope closes, tell fails with MailboxClosedError", () =>
    Effect.runPromise(Effect.gen(function*() {
      const scope = yield* Scope.make()
      const counter = yield* Scope.provide(makeActor({ id: "counter", capacity: 1, initialState: 0, handle }), scope)
      yield* Scope.close(scope, Exit.void)
      const error = yield* Effect.flip(counter.ref.tell({ _tag: "add", n: 1 }))
      expect(error).toBeInstanceOf(MailboxClosedError)
    })))

  test("when the mailbox shuts down under a running actor, its loop returns normally", () =>
    Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const recorder = yield* makeEventRecorder
      const mailboxScope = yield* Scope.make()
      const counter = yield* Scope.provide(
        makeActor({ id: "counter", capacity: 1, initialState: 0, handle, restart: "transient" }),
        mailboxScope
      )
      const tree = yield* startRoot({ id: "root", strategy: "one_for_one", children: [counter.spec] })
        .pipe(Effect.provideService(LifecycleEvents, recorder.bus))
      yield* Scope.close(mailboxScope, Exit.void)
      yield* recorder.waitFor("stopped root/counter")
      expect(recorder.events().at(-1)).toMatchObject({ _tag: "stopped", reason: "loop returned" })
      expect((yield* tree.children).map((child) => child.status)).toEqual(["stopped"])
    }))))

  test("handle is given its own ref, to send itself a message", () =>
    Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      type Msg = { readonly _tag: "ping" } | { readonly _tag: "pong"; readonly done: Deferred.Deferred<string> }
      const done = yield* Deferred.make<string>()
      const echo = yield* makeActor({
        id: "echo",
        capacity: 2,
        initialState: "",
        handle: (state: string, msg: Msg, self: ActorRef<Msg>) =>
          msg._tag === "ping"
            ? Effect.as(Effect.orDie(self.tell({ _tag: "pong", done })), `${state}ping `)
            : Effect.as(Deferred.succeed(msg.done, `${state}pong`), state)
      })
      yield* startRoot({ id: "root", strategy: "one_for_one", children: [echo.spec] })
      yield* echo.ref.tell({ _tag: "ping" })
      expect(yield* Deferred.await(done)).toBe("ping pong")
    }))))

  test("a scoped actor lives for one run of its child: a crash closes its mailbox and the next run has a new one", () =>
    Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const recorder = yield* makeEventRecorder
      const refs: Array<ActorRef<CounterMsg>> = []
      const child: ChildSpec<CounterBroke> = {
        id: "reader",
        restart: "permanent",
        shutdownMs: 1_000,
        init: Effect.gen(function*() {
          const counter = yield* makeScopedActor({ id: "counter", capacity: 4, initialState: 0, handle })
          refs.push(counter.ref)
          return counter.loop
        })
      }
      yield* startRoot({ id: "root", strategy: "one_for_one", backoff: immediateRestart, children: [child] })
        .pipe(Effect.provideService(LifecycleEvents, recorder.bus))
      const first = refs[0]!
      yield* first.tell({ _tag: "add", n: 5 })
      expect(yield* ask(first.tell)).toBe(5)
      yield* first.tell({ _tag: "boom" })
      yield* recorder.waitFor("restarted root/reader")
      expect(yield* Effect.flip(first.tell({ _tag: "add", n: 1 }))).toBeInstanceOf(MailboxClosedError)
      const second = refs[1]!
      yield* second.tell({ _tag: "add", n: 2 })
      expect(yield* ask(second.tell)).toBe(2)
    }))))

  test("stopping a scoped actor's child releases a sender suspended on its full mailbox", () =>
    Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const refs: Array<ActorRef<CounterMsg>> = []
      const child: ChildSpec = {
        id: "reader",
        restart: "permanent",
        shutdownMs: 1_000,
        init: Effect.gen(function*() {
          const counter = yield* makeScopedActor({ id: "counter", capacity: 1, initialState: 0, handle })
          refs.push(counter.ref)
          return Effect.orDie(counter.loop)
        })
      }
      const tree = yield* startRoot({ id: "root", strategy: "one_for_one", children: [child] })
      const ref = refs[0]!
      const until = yield* Deferred.make<void>()
      yield* ref.tell({ _tag: "hold", until })
      yield* Effect.yieldNow
      yield* ref.tell({ _tag: "add", n: 1 })
      const blocked = yield* Effect.forkChild(ref.tell({ _tag: "add", n: 2 }))
      for (let i = 0; i < 20; i++) yield* Effect.yieldNow
      expect(blocked.pollUnsafe()).toBeUndefined()
      yield* tree.stop
      expect(yield* Effect.flip(Fiber.join(blocked))).toBeInstanceOf(MailboxClosedError)
    }))))
})
