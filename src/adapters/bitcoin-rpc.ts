/**
 * The one module that speaks Bitcoin JSON-RPC (HTTP with basic auth), with Bitcoin
 * Core's method names. Transport failures, overload answers and JSON-RPC errors become
 * `NodeUnreachable`, `NodeOverloaded` and `NodeRejected`. The password is only ever
 * placed in the Authorization header, never in an error or a log line.
 */
import { Effect } from "effect"
import { classifyNodeMessage, describe, NodeOverloaded, NodeRejected, NodeUnreachable } from "./errors.ts"

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

interface RpcReply {
  readonly result?: unknown
  readonly error?: { readonly code: number; readonly message: string } | null
}

let nextId = 0

/** Calls `method` with positional `params` and returns the `result` field. */
export const bitcoinCall = (node: BitcoinEndpoint, method: string, params: readonly unknown[] = []): Effect.Effect<unknown, BitcoinRpcError> =>
  Effect.gen(function* () {
    const body = JSON.stringify({ jsonrpc: "1.0", id: ++nextId, method, params })
    const auth = `Basic ${Buffer.from(`${node.user}:${node.password}`).toString("base64")}`
    const response = yield* Effect.tryPromise({
      try: (signal) =>
        fetch(node.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: auth },
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(node.timeoutMs)]),
        }),
      catch: (cause) => new NodeUnreachable({ node: node.name, method, detail: describe(cause) }),
    })
    const text = yield* Effect.tryPromise({
      try: () => response.text(),
      catch: (cause) => new NodeUnreachable({ node: node.name, method, detail: describe(cause) }),
    })
    const reply = parseReply(text)
    if (reply?.error) return yield* failureFor(node, method, response.status, reply.error.code, reply.error.message)
    if (!response.ok || reply === undefined) {
      return yield* failureFor(node, method, response.status, response.status, text.slice(0, 200) || response.statusText)
    }
    return reply.result ?? null
  })

const parseReply = (text: string): RpcReply | undefined => {
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === "object" && parsed !== null ? (parsed as RpcReply) : undefined
  } catch {
    return undefined
  }
}

const failureFor = (node: BitcoinEndpoint, method: string, status: number, code: number, detail: string) => {
  switch (classifyNodeMessage(status, detail)) {
    case "overloaded":
      return Effect.fail(new NodeOverloaded({ node: node.name, method, detail }))
    case "unreachable":
      return Effect.fail(new NodeUnreachable({ node: node.name, method, detail: `HTTP ${status}: ${detail}` }))
    case "rejected":
      return Effect.fail(new NodeRejected({ node: node.name, method, code, detail }))
  }
}
