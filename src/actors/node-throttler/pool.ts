/**
 * A node pool per chain: each call goes to the least-loaded healthy node, so that calls
 * spread over several nodes (paper A's proposal for Ethereum contract calls). Load is
 * in-flight calls relative to each node's current cap.
 */
import { Data, Effect } from "effect"
import type { CallOutcome, NodeCall, NodeError } from "./node-client.ts"
import { CircuitOpen, type NodeThrottle } from "./throttle.ts"

/** No node of the chain is configured on this host. */
export class NoNodeForChain extends Data.TaggedError("NoNodeForChain")<{ readonly chain: string }> {
  override get message() {
    return `no ${this.chain} node is configured for this host; add one to [[nodes]] and to the host's nodes list`
  }
}

/** What a pooled call returns: the node's answer and which node gave it. */
export interface PooledResult {
  readonly node: string
  readonly result: unknown
}

/** The nodes of one host, grouped by chain. */
export interface NodePool {
  /** Sends one call to the least-loaded healthy node of `chain`. */
  readonly call: (chain: string, method: string, params?: readonly unknown[]) => Effect.Effect<PooledResult, NodeError | CircuitOpen | NoNodeForChain>
  /**
   * Sends one call for `affinity` (an Ethereum sender): always to the same node while it
   * is healthy, so a sender's nonces, pending transactions and receipts live on one node;
   * to the least-loaded healthy node otherwise. Different senders spread over the nodes.
   */
  readonly callFor: (chain: string, affinity: string, method: string, params?: readonly unknown[]) => Effect.Effect<PooledResult, NodeError | CircuitOpen | NoNodeForChain>
  /** The least-loaded healthy node of `chain` other than `avoid` (a hedge's second node), if any. */
  readonly readerOf: (chain: string, avoid?: string) => string | undefined
  /** Sends one client read to a named node, behind the executor's writes (see `NodeThrottle.callRead`). */
  readonly readOn: (node: string, method: string, params: readonly unknown[]) => Effect.Effect<unknown, NodeError | CircuitOpen | NoNodeForChain>
  /** Sends several client reads to a named node in one batch, behind the executor's writes; each answers on its own. */
  readonly readBatchOn: (node: string, calls: readonly NodeCall[]) => Effect.Effect<readonly CallOutcome[], CircuitOpen | NoNodeForChain>
  /** Sends one call to a named node ahead of the calls waiting for it (see `NodeThrottle.callFirst`). */
  readonly callFirstOn: (node: string, method: string, params?: readonly unknown[]) => Effect.Effect<unknown, NodeError | CircuitOpen | NoNodeForChain>
  /** Sends one call to a named node (e.g. the wallet that holds a transaction). */
  readonly callNode: (node: string, method: string, params?: readonly unknown[]) => Effect.Effect<unknown, NodeError | CircuitOpen | NoNodeForChain>
  /** Sends several calls to a named node in one batch; each answers on its own. */
  readonly callNodeBatch: (node: string, calls: readonly NodeCall[]) => Effect.Effect<readonly CallOutcome[], CircuitOpen | NoNodeForChain>
  /** True when some node of `chain` could take a call now. */
  readonly available: (chain: string) => boolean
  /** True when some node of `chain` has a closed or half-open breaker. */
  readonly healthy: (chain: string) => boolean
  /** The names of the nodes of `chain`. */
  readonly nodesOf: (chain: string) => readonly string[]
  readonly throttles: readonly NodeThrottle[]
}

/** Orders candidates: healthy first, then by load (in-flight / cap), then by name for stable ties. */
export const leastLoaded = (throttles: readonly NodeThrottle[]): NodeThrottle | undefined => {
  const scored = throttles
    .filter((t) => t.healthy())
    .map((t) => {
      const s = t.snapshot()
      return { t, load: s.inFlight / Math.max(1, s.limit) }
    })
    .sort((a, b) => a.load - b.load || a.t.name.localeCompare(b.t.name))
  return scored[0]?.t
}

/** A stable small hash of a string (FNV-1a), to spread affinities over nodes. */
export const affinityHash = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h
}

/** The node an affinity maps to when every node is healthy. */
export const homeNode = <T>(nodes: readonly T[], affinity: string): T | undefined => nodes[affinityHash(affinity) % Math.max(1, nodes.length)]

/** Builds a pool over the host's throttles. */
export const makeNodePool = (throttles: readonly NodeThrottle[]): NodePool => {
  const ofChain = (chain: string) => throttles.filter((t) => t.chain === chain)
  return {
    throttles,
    nodesOf: (chain) => ofChain(chain).map((t) => t.name),
    available: (chain) => ofChain(chain).some((t) => t.available()),
    healthy: (chain) => ofChain(chain).some((t) => t.healthy()),
    call: (chain, method, params = []) =>
      Effect.suspend((): Effect.Effect<PooledResult, NodeError | CircuitOpen | NoNodeForChain> => {
        const candidates = ofChain(chain)
        if (candidates.length === 0) return Effect.fail(new NoNodeForChain({ chain }))
        const target = leastLoaded(candidates)
        if (target === undefined) return Effect.fail(new CircuitOpen({ node: candidates.map((t) => t.name).join(","), until: Date.now() }))
        return Effect.map(target.call(method, params), (result) => ({ node: target.name, result }))
      }),
    callFor: (chain, affinity, method, params = []) =>
      Effect.suspend((): Effect.Effect<PooledResult, NodeError | CircuitOpen | NoNodeForChain> => {
        const candidates = ofChain(chain)
        if (candidates.length === 0) return Effect.fail(new NoNodeForChain({ chain }))
        const home = homeNode(candidates, affinity)
        const target = home !== undefined && home.healthy() ? home : leastLoaded(candidates)
        if (target === undefined) return Effect.fail(new CircuitOpen({ node: candidates.map((t) => t.name).join(","), until: Date.now() }))
        return Effect.map(target.call(method, params), (result) => ({ node: target.name, result }))
      }),
    readerOf: (chain, avoid) => {
      const candidates = ofChain(chain)
      return (leastLoaded(candidates.filter((t) => t.name !== avoid)) ?? leastLoaded(candidates))?.name
    },
    readOn: (name, method, params) =>
      Effect.suspend((): Effect.Effect<unknown, NodeError | CircuitOpen | NoNodeForChain> => {
        const target = throttles.find((t) => t.name === name)
        return target === undefined ? Effect.fail(new NoNodeForChain({ chain: name })) : target.callRead(method, params)
      }),
    readBatchOn: (name, calls) =>
      Effect.suspend((): Effect.Effect<readonly CallOutcome[], CircuitOpen | NoNodeForChain> => {
        const target = throttles.find((t) => t.name === name)
        return target === undefined ? Effect.fail(new NoNodeForChain({ chain: name })) : target.callReadBatch(calls)
      }),
    callFirstOn: (name, method, params = []) =>
      Effect.suspend((): Effect.Effect<unknown, NodeError | CircuitOpen | NoNodeForChain> => {
        const target = throttles.find((t) => t.name === name)
        return target === undefined ? Effect.fail(new NoNodeForChain({ chain: name })) : target.callFirst(method, params)
      }),
    callNode: (name, method, params = []) =>
      Effect.suspend((): Effect.Effect<unknown, NodeError | CircuitOpen | NoNodeForChain> => {
        const target = throttles.find((t) => t.name === name)
        return target === undefined ? Effect.fail(new NoNodeForChain({ chain: name })) : target.call(method, params)
      }),
    callNodeBatch: (name, calls) =>
      Effect.suspend((): Effect.Effect<readonly CallOutcome[], CircuitOpen | NoNodeForChain> => {
        const target = throttles.find((t) => t.name === name)
        return target === undefined ? Effect.fail(new NoNodeForChain({ chain: name })) : target.callBatch(calls)
      }),
  }
}
