/**
 * The guard in front of one node: at most `limit` calls at once (the configured
 * `max_in_flight`, lowered and raised by the adaptive policy when `adaptive` is on), at
 * most `max_rps` calls a second, and none while the breaker is open. Callers either wait
 * for a permit (`call`) or ask first whether one is free (`available`), which is how a
 * partition consumer decides to pause instead of buffering work in memory.
 *
 * Permits are counters here, taken and given back in the caller's own fiber, not
 * messages to an actor (`runtime/actor.ts`): every node call takes one, thousands a
 * second, and a mailbox round trip per permit cost about 9 times as much alone (3.7 µs
 * against 0.4 µs) and 3 to 4 times as much with 64 callers sharing a cap of 8
 * (`bench/permits/permit-paths.ts`, 100,000 permits). `available()` must also answer at
 * once, which a state held inside an actor's loop cannot. The node-throttler actor (`index.ts`) still
 * owns the connection and the probes under its supervisor.
 */
import { Data, Effect } from "effect"
import type { NodeConfig } from "../../config/node-config.ts"
import { adapt, defaultPolicy, initialAdaptive, type AdaptiveState } from "./adaptive-limit.ts"
import { admits, closedBreaker, transition, type BreakerInput, type BreakerState } from "./breaker.ts"
import type { CallOutcome, NodeCall, NodeClient, NodeError } from "./node-client.ts"
import { reserveSlot } from "./rate-slot.ts"

/** The breaker is open: the node failed too often and is not being called. */
export class CircuitOpen extends Data.TaggedError("CircuitOpen")<{ readonly node: string; readonly until: number }> {
  override get message() {
    return `node ${this.node} is not being called: its circuit breaker is open until ${new Date(this.until).toISOString()}`
  }
}

/** A read-only view of the throttle, for metrics, pool choice and tests. */
export interface ThrottleSnapshot {
  readonly node: string
  readonly inFlight: number
  readonly peakInFlight: number
  readonly limit: number
  /** Permits held by client reads now, and the most reads may hold. */
  readonly readsInFlight: number
  readonly readLimit: number
  readonly breaker: BreakerState["_tag"]
  readonly calls: number
  /** Round trips those calls took: a batch is one request carrying several calls. */
  readonly requests: number
  readonly failures: number
  readonly overloads: number
  /**
   * Smoothed latency of the node's healthy calls in ms (the adaptive policy's baseline),
   * undefined until a call has succeeded.
   */
  readonly latencyMs?: number
}

/** The handle the consumers use; it outlives restarts of the node-throttler actor. */
export interface NodeThrottle {
  readonly name: string
  readonly chain: NodeConfig["chain"]
  /** True when a call would get a permit now: a client is attached, the breaker admits, and in-flight is under the cap. */
  readonly available: () => boolean
  /** True when the breaker admits calls (in-flight may still be at the cap). */
  readonly healthy: () => boolean
  /** Sends one call under the caps; waits for a permit and a rate slot. */
  readonly call: (method: string, params?: readonly unknown[]) => Effect.Effect<unknown, NodeError | CircuitOpen>
  /**
   * Sends one call ahead of every waiting write, still within the cap: for the few calls
   * everything else depends on (the read front's head, which every cached answer is about).
   */
  readonly callFirst: (method: string, params?: readonly unknown[]) => Effect.Effect<unknown, NodeError | CircuitOpen>
  /**
   * Sends one client read under the same caps, behind every waiting write: a read takes a
   * permit only when no write waits for one, and reads together hold at most
   * `readLimit` of the cap, so a read storm leaves the executor the rest.
   */
  readonly callRead: (method: string, params?: readonly unknown[]) => Effect.Effect<unknown, NodeError | CircuitOpen>
  /**
   * Sends several calls as one batch under the caps: one in-flight permit (the node
   * handles one request), and one rate slot per call (it does each call's work).
   */
  readonly callBatch: (calls: readonly NodeCall[]) => Effect.Effect<readonly CallOutcome[], CircuitOpen>
  /** Several client reads as one batch, under one read permit (see `callRead`). */
  readonly callReadBatch: (calls: readonly NodeCall[]) => Effect.Effect<readonly CallOutcome[], CircuitOpen>
  /**
   * Runs `effect` (a health probe) under an in-flight permit but past the breaker: the
   * probe is what closes an open breaker, and it must never be the call that takes the
   * node over its cap.
   */
  readonly withPermit: <A, E>(effect: Effect.Effect<A, E>) => Effect.Effect<A, E>
  /** Feeds a health probe's outcome to the breaker. */
  readonly record: (input: BreakerInput) => void
  readonly snapshot: () => ThrottleSnapshot
  /** Points the throttle at a (re)connected client; the actor calls this on every start. */
  readonly attach: (client: NodeClient | undefined) => void
  /** Calls `listener` whenever a permit is released; returns an unsubscribe function. */
  readonly onRelease: (listener: () => void) => () => void
}

/**
 * The permits client reads may hold together out of a cap of `limit`: half, and at least
 * one, so a node with a cap of one still answers reads between writes.
 */
export const readShareOf = (limit: number): number => Math.max(1, Math.floor(limit / 2))

/** While writes queue for a node, every this many writes one waiting read gets a permit. */
export const writesPerRead = 3

/** Makes a throttle for `node`. It refuses calls until a client is attached. */
export const makeThrottle = (node: NodeConfig, now: () => number = Date.now): NodeThrottle => {
  const limits = { failures: node.breaker_failures, resetMs: node.breaker_reset_ms }
  const policy = defaultPolicy(node.max_in_flight)
  let adaptive: AdaptiveState = initialAdaptive(node.max_in_flight)
  let client: NodeClient | undefined
  let breaker: BreakerState = closedBreaker
  let inFlight = 0
  let peak = 0
  let lastSlot = Number.NEGATIVE_INFINITY
  let calls = 0
  let requests = 0
  let failures = 0
  let overloads = 0
  const waiters: Array<() => void> = []
  const readWaiters: Array<() => void> = []
  let readsInFlight = 0
  const listeners = new Set<() => void>()

  const limit = () => (node.adaptive ? adaptive.limit : node.max_in_flight)
  const readLimit = () => readShareOf(limit())
  const writeMayStart = () => waiters.length === 0 && inFlight < limit()
  const readMayStart = () => waiters.length === 0 && readWaiters.length === 0 && inFlight < limit() && readsInFlight < readLimit()
  const record = (input: BreakerInput) => {
    breaker = transition(breaker, input, limits)
  }
  const grant = () => {
    inFlight += 1
    peak = Math.max(peak, inFlight)
  }
  const grantRead = () => {
    readsInFlight += 1
    grant()
  }
  let writesSinceRead = 0
  /**
   * Hands free permits to waiting writes first; a waiting read gets one when no write
   * waits, or after `writesPerRead` writes in a row, so a drain that keeps writes queued
   * delays reads without starving them. Reads never hold more than their share.
   */
  const wake = () => {
    while (inFlight < limit()) {
      const readTurn = readWaiters.length > 0 && readsInFlight < readLimit() && (waiters.length === 0 || writesSinceRead >= writesPerRead)
      if (readTurn) {
        writesSinceRead = 0
        ;(readWaiters.shift() as () => void)()
      } else if (waiters.length > 0) {
        writesSinceRead += 1
        ;(waiters.shift() as () => void)()
      } else return
    }
  }
  const release = () => {
    inFlight -= 1
    wake()
    for (const l of listeners) l()
  }
  const releaseRead = () => {
    readsInFlight -= 1
    release()
  }
  /** A permit: at once when `mayStart`, else in turn from `queue`; an interrupted wait leaves the queue. */
  const permit = (mayStart: () => boolean, queue: Array<() => void>, take: () => void, first = false) =>
    Effect.callback<void>((resume) => {
      if (mayStart()) {
        take()
        resume(Effect.void)
        return
      }
      const waiter = () => {
        take()
        resume(Effect.void)
      }
      if (first) queue.unshift(waiter)
      else queue.push(waiter)
      return Effect.sync(() => {
        const at = queue.indexOf(waiter)
        if (at >= 0) queue.splice(at, 1)
      })
    })
  const acquire = permit(writeMayStart, waiters, grant)
  const acquireFirst = permit(() => inFlight < limit(), waiters, grant, true)
  const acquireRead = permit(readMayStart, readWaiters, grantRead)

  const send = (target: NodeClient, method: string, params: readonly unknown[]) =>
    Effect.gen(function* () {
      const slot = reserveSlot(lastSlot, now(), node.max_rps)
      lastSlot = slot.at
      if (slot.waitMs > 0) yield* Effect.sleep(slot.waitMs)
      calls += 1
      requests += 1
      const started = performance.now()
      return yield* target.call(method, params).pipe(
        Effect.tap(() =>
          Effect.sync(() => {
            record({ _tag: "success" })
            const ended = performance.now()
            adaptive = adapt(adaptive, { _tag: "ok", latencyMs: ended - started, startedAt: started }, policy, ended)
          }),
        ),
        Effect.tapError((error) =>
          Effect.sync(() => {
            failures += 1
            if (error._tag === "NodeOverloaded") {
              overloads += 1
              adaptive = adapt(adaptive, { _tag: "overloaded", startedAt: started }, policy, performance.now())
            }
            // A refused call proves the node is alive; only transport and overload count against it.
            if (error._tag !== "NodeRejected") record({ _tag: "failure", now: now() })
          }),
        ),
      )
    })

  /** One call past the breaker, under a permit from `take`, given back by `give`. */
  const guarded = (take: Effect.Effect<void>, give: () => void) => (method: string, params: readonly unknown[] = []) =>
    Effect.gen(function* () {
      record({ _tag: "tick", now: now() })
      const target = client
      if (!admits(breaker) || target === undefined) {
        return yield* new CircuitOpen({ node: node.name, until: breaker._tag === "open" ? breaker.until : now() })
      }
      return yield* Effect.acquireUseRelease(take, () => send(target, method, params), () => Effect.sync(give))
    })
  const call = guarded(acquire, release)
  const callFirst = guarded(acquireFirst, release)
  const callRead = guarded(acquireRead, releaseRead)

  const sendBatch = (target: NodeClient, batch: readonly NodeCall[]) =>
    Effect.gen(function* () {
      let wait = 0
      for (let i = 0; i < batch.length; i++) {
        const slot = reserveSlot(lastSlot, now(), node.max_rps)
        lastSlot = slot.at
        wait = slot.waitMs
      }
      if (wait > 0) yield* Effect.sleep(wait)
      calls += batch.length
      requests += 1
      const started = performance.now()
      const outcomes = yield* target.batch(batch)
      const transport = outcomes.filter((o) => !o.ok && o.error._tag !== "NodeRejected")
      if (transport.length === outcomes.length && outcomes.length > 0) {
        failures += 1
        if (transport.some((o) => !o.ok && o.error._tag === "NodeOverloaded")) {
          overloads += 1
          adaptive = adapt(adaptive, { _tag: "overloaded", startedAt: started }, policy, performance.now())
        }
        record({ _tag: "failure", now: now() })
      } else {
        record({ _tag: "success" })
        const ended = performance.now()
        adaptive = adapt(adaptive, { _tag: "ok", latencyMs: (ended - started) / Math.max(1, batch.length), startedAt: started }, policy, ended)
      }
      return outcomes
    })

  /** A batch past the breaker, under one permit from `take`, given back by `give`. */
  const guardedBatch = (take: Effect.Effect<void>, give: () => void) => (batch: readonly NodeCall[]) =>
    Effect.gen(function* () {
      record({ _tag: "tick", now: now() })
      const target = client
      if (!admits(breaker) || target === undefined) {
        return yield* new CircuitOpen({ node: node.name, until: breaker._tag === "open" ? breaker.until : now() })
      }
      if (batch.length === 0) return []
      return yield* Effect.acquireUseRelease(take, () => sendBatch(target, batch), () => Effect.sync(give))
    })
  const callBatch = guardedBatch(acquire, release)
  const callReadBatch = guardedBatch(acquireRead, releaseRead)

  return {
    name: node.name,
    chain: node.chain,
    healthy: () => client !== undefined && admits(transition(breaker, { _tag: "tick", now: now() }, limits)),
    available: () => client !== undefined && admits(transition(breaker, { _tag: "tick", now: now() }, limits)) && inFlight < limit(),
    call,
    callFirst,
    callRead,
    callBatch,
    callReadBatch,
    withPermit: (effect) => Effect.acquireUseRelease(acquire, () => effect, () => Effect.sync(release)),
    record,
    attach: (next) => {
      client = next
    },
    onRelease: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    snapshot: () => ({ node: node.name, inFlight, peakInFlight: peak, limit: limit(), readsInFlight, readLimit: readLimit(), breaker: breaker._tag, calls, requests, failures, overloads, ...(adaptive.baselineMs === undefined ? {} : { latencyMs: adaptive.baselineMs }) }),
  }
}
