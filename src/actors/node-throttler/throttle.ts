/**
 * The guard in front of one node: at most `max_in_flight` calls at once, at most
 * `max_rps` calls a second, and none while the breaker is open. Callers either wait for
 * a permit (`call`) or ask first whether one is free (`available`), which is how a
 * partition consumer decides to pause instead of buffering work in memory.
 */
import { Data, Effect, Semaphore } from "effect"
import type { NodeConfig } from "../../config/node-config.ts"
import { admits, closedBreaker, transition, type BreakerInput, type BreakerState } from "./breaker.ts"
import type { NodeClient, NodeError } from "./node-client.ts"
import { reserveSlot } from "./rate-slot.ts"

/** The breaker is open: the node failed too often and is not being called. */
export class CircuitOpen extends Data.TaggedError("CircuitOpen")<{ readonly node: string; readonly until: number }> {}

/** A read-only view of the throttle, for metrics, pool choice and tests. */
export interface ThrottleSnapshot {
  readonly node: string
  readonly inFlight: number
  readonly peakInFlight: number
  readonly limit: number
  readonly breaker: BreakerState["_tag"]
  readonly calls: number
  readonly failures: number
}

/** The handle the consumers use; it outlives restarts of the node-throttler actor. */
export interface NodeThrottle {
  readonly name: string
  readonly chain: NodeConfig["chain"]
  /** True when a call would get a permit now: breaker admits and in-flight is under the cap. */
  readonly available: () => boolean
  /** Sends one call under the caps; waits for a permit and a rate slot. */
  readonly call: (method: string, params?: readonly unknown[]) => Effect.Effect<unknown, NodeError | CircuitOpen>
  /** Feeds a health probe's outcome to the breaker. */
  readonly record: (input: BreakerInput) => void
  readonly snapshot: () => ThrottleSnapshot
  /** Points the throttle at a (re)connected client; the actor calls this on every start. */
  readonly attach: (client: NodeClient) => void
}

/** Makes a throttle for `node`. It refuses calls until a client is attached. */
export const makeThrottle = (node: NodeConfig, now: () => number = Date.now): NodeThrottle => {
  const permits = Semaphore.makeUnsafe(node.max_in_flight)
  const limits = { failures: node.breaker_failures, resetMs: node.breaker_reset_ms }
  let client: NodeClient | undefined
  let breaker: BreakerState = closedBreaker
  let inFlight = 0
  let peak = 0
  let lastSlot = Number.NEGATIVE_INFINITY
  let calls = 0
  let failures = 0

  const record = (input: BreakerInput) => {
    breaker = transition(breaker, input, limits)
  }

  const guarded = (method: string, params: readonly unknown[]) =>
    Effect.gen(function* () {
      record({ _tag: "tick", now: now() })
      if (!admits(breaker) || client === undefined) {
        return yield* new CircuitOpen({ node: node.name, until: breaker._tag === "open" ? breaker.until : now() })
      }
      const slot = reserveSlot(lastSlot, now(), node.max_rps)
      lastSlot = slot.at
      if (slot.waitMs > 0) yield* Effect.sleep(slot.waitMs)
      inFlight += 1
      peak = Math.max(peak, inFlight)
      calls += 1
      return yield* client.call(method, params).pipe(
        Effect.tap(() => Effect.sync(() => record({ _tag: "success" }))),
        Effect.tapError((error) =>
          Effect.sync(() => {
            failures += 1
            // A refused call proves the node is alive; only transport and overload count against it.
            if (error._tag !== "NodeRejected") record({ _tag: "failure", now: now() })
          }),
        ),
        Effect.ensuring(Effect.sync(() => { inFlight -= 1 })),
      )
    })

  return {
    name: node.name,
    chain: node.chain,
    available: () => client !== undefined && admits(transition(breaker, { _tag: "tick", now: now() }, limits)) && inFlight < node.max_in_flight,
    call: (method, params = []) => permits.withPermits(1)(guarded(method, params)),
    record,
    attach: (next) => {
      client = next
    },
    snapshot: () => ({ node: node.name, inFlight, peakInFlight: peak, limit: node.max_in_flight, breaker: breaker._tag, calls, failures }),
  }
}
