/**
 * Test doubles for the runtime's own tests: a bus that records events and
 * lets a test wait for one, and probe children driven by commands. Not part of
 * the public face (`index.ts`).
 */
import { Data, Deferred, Effect, Queue } from "effect"
import type { ChildSpec, RestartPolicy } from "./child-spec.ts"
import type { LifecycleBus, LifecycleEvent } from "./events.ts"
import { makeLifecycleBus } from "./events.ts"

/** A bus that keeps every event in memory. */
export interface EventRecorder {
  readonly bus: LifecycleBus
  readonly events: () => ReadonlyArray<LifecycleEvent>
  /** `"<tag> <path>"` for each event, e.g. `"restarted root/b"`. */
  readonly lines: () => ReadonlyArray<string>
  /** Waits until `count` events (already recorded or future) have the line `line`. */
  readonly waitFor: (line: string, count?: number) => Effect.Effect<void>
}

const lineOf = (event: LifecycleEvent): string => `${event._tag} ${event.path}`

/** Creates an empty recorder. */
export const makeEventRecorder: Effect.Effect<EventRecorder> = Effect.map(makeLifecycleBus, (inner) => {
  const recorded: Array<LifecycleEvent> = []
  const waiters: Array<{ readonly line: string; readonly count: number; readonly done: Deferred.Deferred<void> }> = []
  const seen = (line: string) => recorded.filter((event) => lineOf(event) === line).length
  const wake = () => {
    for (const waiter of [...waiters]) {
      if (seen(waiter.line) >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1)
        Deferred.doneUnsafe(waiter.done, Effect.void)
      }
    }
  }
  return {
    bus: {
      publish: (event) => Effect.andThen(Effect.sync(() => (recorded.push(event), wake())), inner.publish(event)),
      subscribe: inner.subscribe
    },
    events: () => [...recorded],
    lines: () => recorded.map(lineOf),
    waitFor: (line, count = 1) =>
      Effect.flatMap(Deferred.make<void>(), (done) => {
        waiters.push({ line, count, done })
        wake()
        return Deferred.await(done)
      })
  }
})

/** The failure a probe's loop or init crashes with. */
export class ProbeCrash extends Data.TaggedError("ProbeCrash")<{ readonly id: string }> {
  override get message(): string {
    return `probe ${this.id} crashed on purpose`
  }
}

/** A child driven from the test: `crash` fails its loop, `finish` returns it. */
export interface Probe {
  readonly spec: ChildSpec<ProbeCrash>
  readonly crash: Effect.Effect<void>
  readonly finish: Effect.Effect<void>
  /** How many times `init` has begun. */
  readonly inits: () => number
}

/** How a probe behaves. */
export interface ProbeOptions {
  readonly restart?: RestartPolicy
  readonly shutdownMs?: number
  /** The first `failInits` runs of `init` fail. */
  readonly failInits?: number
  /** Runs inside `init` after `init:<id>` is journaled, before the child is ready. */
  readonly beforeReady?: Effect.Effect<void>
  /** Runs as the child's finalizer, after `stop:<id>` is journaled. */
  readonly onStop?: Effect.Effect<void>
}

/** A probe journaling `init:<id>` when its init begins and `stop:<id>` when its scope closes. */
export const makeProbe = (id: string, journal: Array<string>, options: ProbeOptions = {}): Effect.Effect<Probe> =>
  Effect.map(Queue.unbounded<"crash" | "finish">(), (commands) => {
    let inits = 0
    const init = Effect.gen(function*() {
      inits += 1
      journal.push(`init:${id}`)
      if (inits <= (options.failInits ?? 0)) return yield* Effect.fail(new ProbeCrash({ id }))
      yield* Effect.addFinalizer(() => Effect.andThen(Effect.sync(() => journal.push(`stop:${id}`)), options.onStop ?? Effect.void))
      if (options.beforeReady !== undefined) yield* options.beforeReady
      return Effect.flatMap(Queue.take(commands), (command) =>
        command === "crash" ? Effect.fail(new ProbeCrash({ id })) : Effect.void)
    })
    return {
      spec: { id, init, restart: options.restart ?? "permanent", shutdownMs: options.shutdownMs ?? 1_000 },
      crash: Effect.asVoid(Queue.offer(commands, "crash")),
      finish: Effect.asVoid(Queue.offer(commands, "finish")),
      inits: () => inits
    }
  })
