/**
 * Micro-benchmark: what a node call's permit costs taken straight from the node's throttle
 * (`makeThrottle(...).withPermit`, the path every node call takes), against the same
 * permit asked of an actor through its mailbox (`makeActor` from the runtime: a message to
 * acquire with a reply to wait on, a message to release). It decides whether the
 * node-throttler's permits move onto the runtime's actor (issue 10, part 3): they are taken
 * thousands of times a second. No I/O; run it alone on a quiet machine:
 *
 *   bun bench/permits/permit-paths.ts [acquisitions] [rounds]
 *
 * Two workloads, each `acquisitions` permits (default 100,000), best and median of
 * `rounds` (default 5) after one warm-up round:
 * - uncontended: one fiber takes a permit, does nothing, gives it back, in a loop;
 * - contended: 64 fibers share a cap of 8, each holding its permit across a yield, so
 *   most acquisitions wait in line and are woken by a release.
 * It prints one JSON document on stdout.
 */
import { Deferred, Effect, type Scope } from "effect"
import { makeThrottle } from "../../src/actors/node-throttler/index.ts"
import type { NodeConfig } from "../../src/config/node-config.ts"
import { type ActorRef, makeActor, startRoot } from "../../src/runtime/index.ts"

const acquisitions = Number(process.argv[2] ?? 100_000)
const rounds = Number(process.argv[3] ?? 5)
const cap = 8
const contenders = 64

const node = (maxInFlight: number): NodeConfig => ({
  name: "bench", chain: "ethereum", url: "http://127.0.0.1:1", max_in_flight: maxInFlight, max_rps: 1_000_000, adaptive: false,
  timeout_ms: 1000, breaker_failures: 5, breaker_reset_ms: 1000,
})

/** The permit protocol as actor messages: ask with a reply to await, give back. */
type PermitMsg = { readonly _tag: "acquire"; readonly reply: Deferred.Deferred<void> } | { readonly _tag: "release" }

/** Mutated in place, as the throttle's own counters are, so the comparison is of the paths and not of copying. */
interface PermitState {
  inFlight: number
  readonly waiting: Array<Deferred.Deferred<void>>
}

/** The permit actor's handler: grant under the cap, else queue; a release hands its permit to the oldest waiter. */
const handlePermit = (limit: number) => (state: PermitState, msg: PermitMsg): Effect.Effect<PermitState> => {
  if (msg._tag === "acquire") {
    if (state.inFlight >= limit) return Effect.sync(() => (state.waiting.push(msg.reply), state))
    state.inFlight += 1
    return Effect.as(Deferred.succeed(msg.reply, undefined), state)
  }
  const next = state.waiting.shift()
  if (next === undefined) return Effect.sync(() => ((state.inFlight -= 1), state))
  return Effect.as(Deferred.succeed(next, undefined), state)
}

const viaMailbox = (ref: ActorRef<PermitMsg>) => <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.acquireUseRelease(
    Effect.gen(function* () {
      const reply = yield* Deferred.make<void>()
      yield* Effect.orDie(ref.tell({ _tag: "acquire", reply }))
      yield* Deferred.await(reply)
    }),
    () => effect,
    () => Effect.orDie(ref.tell({ _tag: "release" })),
  )

type WithPermit = <A, E>(effect: Effect.Effect<A, E>) => Effect.Effect<A, E>

const uncontended = (withPermit: WithPermit) =>
  Effect.gen(function* () {
    for (let i = 0; i < acquisitions; i++) yield* withPermit(Effect.void)
  })

const contended = (withPermit: WithPermit) =>
  Effect.all(
    Array.from({ length: contenders }, () =>
      Effect.gen(function* () {
        for (let i = 0; i < acquisitions / contenders; i++) yield* withPermit(Effect.yieldNow)
      })),
    { concurrency: "unbounded", discard: true },
  )

/** Milliseconds of each round after a warm-up. */
const timeRounds = (workload: Effect.Effect<void>) =>
  Effect.gen(function* () {
    yield* workload
    const times: number[] = []
    for (let r = 0; r < rounds; r++) {
      const started = performance.now()
      yield* workload
      times.push(performance.now() - started)
    }
    return times
  })

const summary = (times: readonly number[]) => {
  const sorted = [...times].sort((a, b) => a - b)
  const best = sorted[0] ?? 0
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0
  return { best_ms: round(best), median_ms: round(median), ns_per_permit: Math.round((median * 1e6) / acquisitions), permits_per_s: Math.round(acquisitions / (median / 1000)) }
}

const round = (ms: number) => Math.round(ms * 10) / 10

const measure = <E>(withLimit: (limit: number) => Effect.Effect<WithPermit, E, Scope.Scope>) =>
  Effect.scoped(Effect.gen(function* () {
    const one = yield* withLimit(1_000_000)
    const shared = yield* withLimit(cap)
    return {
      uncontended: summary(yield* timeRounds(uncontended(one))),
      contended: summary(yield* timeRounds(contended(shared))),
    }
  }))

const direct = (limit: number) => Effect.sync((): WithPermit => makeThrottle(node(limit)).withPermit)

const mailbox = (limit: number) =>
  Effect.gen(function* () {
    const initialState: PermitState = { inFlight: 0, waiting: [] }
    const actor = yield* makeActor({ id: "permits", capacity: 1024, initialState, handle: handlePermit(limit) })
    yield* startRoot({ id: "bench", strategy: "one_for_one", children: [actor.spec] })
    return viaMailbox(actor.ref)
  })

const main = Effect.gen(function* () {
  const throttle = yield* measure(direct)
  const actor = yield* measure(mailbox)
  const ratio = (a: { median_ms: number }, b: { median_ms: number }) => Math.round((a.median_ms / b.median_ms) * 10) / 10
  return {
    bench: "permit-paths",
    acquisitions,
    rounds,
    contended: { fibers: contenders, cap },
    bun: Bun.version,
    direct: throttle,
    mailbox: actor,
    mailbox_over_direct: { uncontended: ratio(actor.uncontended, throttle.uncontended), contended: ratio(actor.contended, throttle.contended) },
  }
})

console.log(JSON.stringify(await Effect.runPromise(main), null, 2))
