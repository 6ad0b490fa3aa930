/**
 * The one module that speaks Bitcoin JSON-RPC (HTTP with basic auth), with Bitcoin
 * Core's method names, over the shared transport in `json-rpc.ts`. A JSON-RPC error is a
 * `NodeRejected` with its code and kind whatever the HTTP status (Core answers errors with
 * HTTP 500); transport failures and overload are `NodeUnreachable` and `NodeOverloaded`.
 * The password is only ever placed in the Authorization header, never in an error or a log.
 */
import type { Effect } from "effect"
import type { NodeOverloaded, NodeRejected, NodeUnreachable } from "./errors.ts"
import { jsonRpcCall, type JsonRpcEndpoint } from "./json-rpc.ts"

/** One Bitcoin node endpoint (bitcoind, or btcwallet in front of btcd). */
export interface BitcoinEndpoint {
  readonly name: string
  readonly url: string
  readonly user: string
  readonly password: string
  readonly timeoutMs: number
}

/** Every way a Bitcoin RPC call can fail. */
export type BitcoinRpcError = NodeUnreachable | NodeOverloaded | NodeRejected

/** The transport endpoint of each Bitcoin endpoint, built once (the header is base64 work). */
const transports = new WeakMap<BitcoinEndpoint, JsonRpcEndpoint>()

const transportOf = (node: BitcoinEndpoint): JsonRpcEndpoint => {
  let endpoint = transports.get(node)
  if (endpoint === undefined) {
    endpoint = {
      name: node.name,
      chain: "bitcoin",
      url: node.url,
      timeoutMs: node.timeoutMs,
      authorization: `Basic ${Buffer.from(`${node.user}:${node.password}`).toString("base64")}`,
      version: "1.0",
    }
    transports.set(node, endpoint)
  }
  return endpoint
}

/** Calls `method` with positional `params` and returns the `result` field. */
export const bitcoinCall = (node: BitcoinEndpoint, method: string, params: readonly unknown[] = []): Effect.Effect<unknown, BitcoinRpcError> =>
  jsonRpcCall(transportOf(node), method, params)
