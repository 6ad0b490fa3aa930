/**
 * The two-level tree of README.md, run end to end: an actor under the root and
 * a nested supervisor whose child feeds it. Keep the README in step with it.
 */
import { expect, test } from "bun:test"
import { Data, Effect, Fiber, Queue } from "effect"
import {
  type ChildSpec,
  drainMain,
  LifecycleEvents,
  makeActor,
  restartBackoff,
  type SignalSource,
  supervisorChild,
  type SupervisorSpec
} from "./index.ts"
import { makeEventRecorder } from "./probes.fixture.ts"

// --- the example -----------------------------------------------------------

type ThrottlerMsg = { readonly _tag: "submit"; readonly tx: string }

interface ThrottlerState {
  readonly sent: number
}

/** Pure: what the throttler's state becomes after a message. */
const transition = (state: ThrottlerState, _msg: ThrottlerMsg): ThrottlerState => ({ sent: state.sent + 1 })

class FeedLost extends Data.TaggedError("FeedLost")<{}> {}

/** A stand-in for a real connection: a queue of incoming transactions. */
interface Feed {
  readonly next: Effect.Effect<string, FeedLost>
  readonly close: Effect.Effect<void>
}

const buildTree = (openFeed: Effect.Effect<Feed, FeedLost>, sent: Array<string>) =>
  Effect.gen(function*() {
    // The actor's mailbox lives as long as this builder's Scope: across restarts.
    const throttler = yield* makeActor({
      id: "node-throttler:btc-1",
      capacity: 100,
      initialState: { sent: 0 },
      handle: (state: ThrottlerState, msg: ThrottlerMsg) =>
        Effect.as(Effect.sync(() => sent.push(msg.tx)), transition(state, msg))
    })

    const feed: ChildSpec<FeedLost> = {
      id: "feed",
      restart: "permanent",
      shutdownMs: 2_000,
      init: Effect.gen(function*() {
        // Acquired in the child's Scope: closed when the child stops or crashes.
        const connection = yield* Effect.acquireRelease(openFeed, (c) => c.close)
        // Returning the loop is how the child says "ready".
        return Effect.forever(
          Effect.flatMap(connection.next, (tx) => Effect.orDie(throttler.ref.tell({ _tag: "submit", tx })))
        )
      })
    }

    const root: SupervisorSpec = {
      id: "root",
      strategy: "one_for_one",
      intensity: { maxRestarts: 5, withinMs: 30_000 },
      backoff: restartBackoff,
      children: [
        throttler.spec,
        supervisorChild({ id: "consumer", strategy: "rest_for_one", children: [feed] })
      ]
    }
    return root
  })

// --- running it ------------------------------------------------------------

test("the README tree starts, carries messages and drains on SIGTERM", () =>
  Effect.runPromise(Effect.gen(function*() {
    const recorder = yield* makeEventRecorder
    const incoming = yield* Queue.unbounded<string>()
    const journal: Array<string> = []
    const sent: Array<string> = []
    const openFeed = Effect.sync((): Feed => {
      journal.push("feed opened")
      return { next: Queue.take(incoming), close: Effect.sync(() => journal.push("feed closed")) }
    })
    const handlers = new Map<string, () => void>()
    const signals: SignalSource = { on: (s, h) => void handlers.set(s, h), off: (s) => void handlers.delete(s) }
    const exits: Array<number> = []

    const main = yield* Effect.forkChild(
      drainMain(buildTree(openFeed, sent), { signals, exit: (code) => void exits.push(code), log: () => undefined })
        .pipe(Effect.provideService(LifecycleEvents, recorder.bus))
    )
    yield* recorder.waitFor("started root/consumer")
    expect(recorder.lines()).toEqual([
      "started root/node-throttler:btc-1",
      "started root/consumer/feed",
      "started root/consumer"
    ])
    yield* Queue.offerAll(incoming, ["tx-1", "tx-2"])
    while (sent.length < 2) yield* Effect.yieldNow

    handlers.get("SIGTERM")?.()
    expect(yield* Fiber.join(main)).toBe(0)
    expect(exits).toEqual([0])
    expect(sent).toEqual(["tx-1", "tx-2"])
    expect(journal).toEqual(["feed opened", "feed closed"])
    expect(recorder.lines().slice(3)).toEqual([
      "draining root",
      "stopped root/consumer/feed",
      "stopped root/consumer",
      "stopped root/node-throttler:btc-1"
    ])
  })))
