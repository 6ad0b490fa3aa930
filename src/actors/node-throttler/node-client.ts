/**
 * One calling convention for both chains, so the throttler need not know which chain
 * its node speaks: `call(method, params)` and a cheap `probe` for health checks.
 */
import { Data, Effect } from "effect"
import { bitcoinCall } from "../../adapters/bitcoin-rpc.ts"
import { closeEthereumNode, ethereumBatch, ethereumCall, makeEthereumNode } from "../../adapters/ethereum.ts"
import type { NodeOverloaded, NodeRejected, NodeUnreachable } from "../../adapters/errors.ts"
import type { NodeConfig } from "../../config/node-config.ts"

/** Every way a node call can fail. */
export type NodeError = NodeUnreachable | NodeOverloaded | NodeRejected

/** A node the throttler guards. */
export interface NodeClient {
  readonly name: string
  readonly chain: NodeConfig["chain"]
  readonly call: (method: string, params?: readonly unknown[]) => Effect.Effect<unknown, NodeError>
  /** A read-only call that shows the node is up and answering. */
  /** Several calls in one round trip where the node speaks JSON-RPC batches (Ethereum); one by one otherwise. */
  readonly batch: (calls: readonly NodeCall[]) => Effect.Effect<readonly CallOutcome[]>
  readonly probe: Effect.Effect<unknown, NodeError>
  readonly close: Effect.Effect<void>
}

/** One call of a batch. */
export interface NodeCall {
  readonly method: string
  readonly params: readonly unknown[]
}

/** How one call of a batch ended. */
export type CallOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: NodeError }

/** Calls one at a time, for a node without batches. */
const oneByOne = (call: (method: string, params: readonly unknown[]) => Effect.Effect<unknown, NodeError>) => (calls: readonly NodeCall[]) =>
  Effect.forEach(calls, (c) => Effect.map(Effect.result(call(c.method, c.params)), (r): CallOutcome => (r._tag === "Success" ? { ok: true, result: r.success } : { ok: false, error: r.failure })))

/** A secret named in the config is not in the environment. */
export class MissingSecret extends Data.TaggedError("MissingSecret")<{ readonly node: string; readonly variable: string }> {
  override get message() {
    return `node ${this.node}: environment variable ${this.variable} is not set; export it (scripts/stack writes .run/stack.env for the local stack)`
  }
}

/** Builds the client for one `[[nodes]]` entry. */
export const makeNodeClient = (
  node: NodeConfig,
  chainId: number,
  env: Readonly<Record<string, string | undefined>>,
): Effect.Effect<NodeClient, MissingSecret> =>
  Effect.gen(function* () {
    if (node.chain === "bitcoin") {
      const variable = node.password_env ?? ""
      const password = env[variable]
      if (password === undefined) return yield* new MissingSecret({ node: node.name, variable })
      const endpoint = { name: node.name, url: node.url, user: node.user ?? "", password, timeoutMs: node.timeout_ms }
      const call = (method: string, params: readonly unknown[] = []) => bitcoinCall(endpoint, method, params)
      return { name: node.name, chain: node.chain, call, batch: oneByOne(call), probe: call("getblockcount"), close: Effect.void }
    }
    const eth = makeEthereumNode({ name: node.name, url: node.url, chainId, pollingIntervalMs: 250, timeoutMs: node.timeout_ms })
    const call = (method: string, params: readonly unknown[] = []) => ethereumCall(eth, method, params)
    return { name: node.name, chain: node.chain, call, batch: (calls) => ethereumBatch(eth, calls), probe: call("eth_blockNumber"), close: closeEthereumNode(eth) }
  })
