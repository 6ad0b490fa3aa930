/**
 * What the read front needs from the host, declared here so that it depends on nothing
 * above it: a way to pick a node of a chain for a read, and to send a read to it behind
 * the node's throttle (where the executor's writes keep priority). The host tree
 * provides them from the node-throttlers' pool.
 */
import type { Effect } from "effect"
import type { NodeRejected } from "../adapters/errors.ts"

/**
 * Every way a read fails: the node refused it (`NodeRejected`, with its code and text,
 * which the client gets as the JSON-RPC error), or it may not have reached a node.
 */
export type ReadCallError =
  | NodeRejected
  | { readonly _tag: "NodeUnreachable" | "NodeOverloaded" | "CircuitOpen" | "NoNodeForChain"; readonly message: string }

/** The host's nodes, for reads. */
export interface ReadNodes {
  /** The least-loaded healthy node of `chain` other than `avoid`; undefined when none can take a call. */
  readonly readerOf: (chain: string, avoid?: string) => string | undefined
  /** Sends one read to `node`, behind the writes waiting for it. */
  readonly readOn: (node: string, method: string, params: readonly unknown[]) => Effect.Effect<unknown, ReadCallError>
  /**
   * Sends several reads to `node` as one JSON-RPC batch behind the writes: one permit and
   * one round trip for the misses of a new head. Each call answers on its own.
   */
  readonly readBatchOn: (
    node: string,
    calls: readonly { readonly method: string; readonly params: readonly unknown[] }[],
  ) => Effect.Effect<readonly ({ readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: ReadCallError })[], ReadCallError>
  /** Sends a call ahead of every waiting one, within the cap: the head follower's, which every cached answer depends on. */
  readonly callFirstOn: (node: string, method: string, params?: readonly unknown[]) => Effect.Effect<unknown, ReadCallError>
  /** The names of the nodes of `chain`. */
  readonly nodesOf: (chain: string) => readonly string[]
}
