/**
 * node-throttler: one actor per node endpoint. It connects the node's client, attaches it
 * to the node's throttle (which the consumers call through), and then probes the node's
 * health every 2 s (`nodeProbe`), feeding the breaker and the metrics. If the node cannot be
 * reached at start, init fails and the supervisor retries with backoff.
 */
import { Effect } from "effect"
import type { HostContext } from "../../host/host-context.ts"
import type { NodeConfig } from "../../config/node-config.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import { nodeProbe } from "../../runtime/schedules.ts"
import { nodeThrottlerEvents, nodeThrottlerMetrics } from "./events.ts"
import { makeNodeClient } from "./node-client.ts"
import { makeThrottle, type NodeThrottle } from "./throttle.ts"

export { CircuitOpen, makeThrottle, type NodeThrottle, type ThrottleSnapshot } from "./throttle.ts"
export { makeNodePool, type NodePool } from "./pool.ts"
export type { NodeError } from "./node-client.ts"

/** The throttle handle plus the actor that keeps it connected and probed. */
export interface NodeThrottler {
  readonly throttle: NodeThrottle
  readonly spec: ChildSpec
}

/** Builds the actor for one `[[nodes]]` entry. */
export const nodeThrottler = (ctx: HostContext, node: NodeConfig): NodeThrottler => {
  const throttle = makeThrottle(node)
  const log = ctx.log.forActor(`node-throttler:${node.name}`)
  const m = nodeThrottlerMetrics(ctx.metrics)
  const labels = { node: node.name, chain: node.chain }

  // The head the probe last saw, and when it last moved.
  let head: { value: string; since: number } | undefined
  const probeOnce = (client: { readonly probe: Effect.Effect<unknown, unknown> }) =>
    Effect.gen(function* () {
      const started = performance.now()
      const ok = yield* throttle.withPermit(client.probe).pipe(
        Effect.tap((height) => Effect.sync(() => {
          const value = String(height)
          if (head === undefined || head.value !== value) head = { value, since: Date.now() }
          m.headAge.set((Date.now() - head.since) / 1000, labels)
        })),
        Effect.as(true),
        Effect.catch((error) => Effect.sync(() => {
          log.warn(nodeThrottlerEvents.probeFailed, { node: node.name, error: String((error as { _tag?: string })._tag ?? "error") })
          return false
        })),
      )
      m.probeLatency.observe((performance.now() - started) / 1000, labels)
      const before = throttle.snapshot().breaker
      throttle.record(ok ? { _tag: "success" } : { _tag: "failure", now: Date.now() })
      const snap = throttle.snapshot()
      if (snap.breaker !== before) log.warn(nodeThrottlerEvents.breakerChanged, { node: node.name, from: before, to: snap.breaker })
      m.inFlight.set(snap.inFlight, labels)
      m.peakInFlight.set(snap.peakInFlight, labels)
      m.calls.set(snap.calls, labels)
      m.requests.set(snap.requests, labels)
      m.breakerOpen.set(snap.breaker === "open" ? 1 : 0, labels)
    })

  const init = Effect.gen(function* () {
    const client = yield* Effect.acquireRelease(makeNodeClient(node, ctx.config.chains.ethereum.chain_id, ctx.env), (c) => c.close)
    const height = yield* client.probe
    throttle.attach(client)
    yield* Effect.addFinalizer(() => Effect.sync(() => throttle.attach(undefined)))
    log.info(nodeThrottlerEvents.connected, { node: node.name, chain: node.chain, url: node.url, height: String(height) })
    return Effect.asVoid(Effect.repeat(probeOnce(client), nodeProbe))
  })

  return { throttle, spec: { id: `node-throttler:${node.name}`, init, restart: "permanent", shutdownMs: 2000 } }
}
