/**
 * The one JSON-RPC transport: one HTTP POST per call through Bun's fetch (which keeps the
 * connection alive), a timeout, an optional Authorization header. It reads the body whatever
 * the HTTP status, because Bitcoin Core sends its JSON-RPC errors with HTTP 500 (and
 * "method not found" with 404): an answer that carries a JSON-RPC error is the node's
 * refusal, never "unreachable". Only an answer without one is a transport failure:
 * `NodeOverloaded` for 503, 429 or overload text, `NodeUnreachable` for the rest.
 *
 * The Authorization header and any password in the URL never reach an error or a log.
 */
import { Effect } from "effect"
import { describe, NodeOverloaded, nodeRejected, NodeUnreachable, type NodeRejected } from "./errors.ts"
import { transportFailure, unavailableAnswer, type NodeChain } from "./node-errors.ts"
import { byDeadline } from "./http-failure.ts"

/** One JSON-RPC endpoint. */
export interface JsonRpcEndpoint {
  /** Names the node in errors; the URL never appears in one. */
  readonly name: string
  readonly chain: NodeChain
  readonly url: string
  readonly timeoutMs: number
  /** The whole Authorization header value ("Basic …"); never printed. */
  readonly authorization?: string
  /** "1.0" for Bitcoin nodes (as bitcoin-cli sends), "2.0" for Ethereum. */
  readonly version: "1.0" | "2.0"
}

/** Every way a JSON-RPC call can fail. */
export type JsonRpcError = NodeRejected | NodeOverloaded | NodeUnreachable

/** The result of a call, or the tagged error it failed with. */
export type JsonRpcOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: JsonRpcError }

/** Who answered, for the error a failed answer becomes. */
export interface Answerer {
  readonly name: string
  readonly chain: NodeChain
}

/** The tagged error for one JSON-RPC error object: a refusal, unless it says the node cannot serve now. */
export const errorForRpcError = (node: Answerer, method: string, code: number, message: string, data?: unknown): JsonRpcError => {
  switch (unavailableAnswer(node.chain, code, message)) {
    case "overloaded":
      return new NodeOverloaded({ node: node.name, method, detail: `${message} (code ${code})` })
    case "unreachable":
      return new NodeUnreachable({ node: node.name, method, detail: `${message} (code ${code})` })
    case undefined:
      return nodeRejected(node.chain, { node: node.name, method, code, detail: message, ...(typeof data === "string" ? { data } : {}) })
  }
}

interface RpcErrorShape {
  readonly code?: unknown
  readonly message?: unknown
  readonly data?: unknown
}

const failed = (error: JsonRpcError): JsonRpcOutcome => ({ ok: false, error })

const excerpt = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text).trim()

/** What one HTTP answer (its status and body) means: the result, or the failure it says. */
export const readAnswer = (node: Answerer, method: string, status: number, text: string): JsonRpcOutcome => {
  let reply: unknown
  try {
    reply = JSON.parse(text)
  } catch {
    reply = undefined
  }
  return readReply(node, method, status, reply, () => text)
}

/** `readAnswer` for a body already parsed (`reply`, undefined when it was not JSON); `textOf` gives the body for an error's excerpt. */
const readReply = (node: Answerer, method: string, status: number, reply: unknown, textOf: () => string): JsonRpcOutcome => {
  if (typeof reply === "object" && reply !== null && !Array.isArray(reply)) {
    const { error, result } = reply as { readonly error?: RpcErrorShape | null; readonly result?: unknown }
    if (typeof error === "object" && error !== null && typeof error.code === "number") {
      return failed(errorForRpcError(node, method, error.code, typeof error.message === "string" ? error.message : JSON.stringify(error), error.data))
    }
    if (status >= 200 && status < 300 && (error === undefined || error === null) && "result" in reply) return { ok: true, result: result ?? null }
  }
  const text = textOf()
  const detail = `HTTP ${status}${text === "" ? "" : `: ${excerpt(text)}`}`
  if (transportFailure(status, text) === "overloaded") return failed(new NodeOverloaded({ node: node.name, method, detail }))
  const hint = status === 401 || status === 403 ? "; check the node's user and password in the config and its environment variable" : status >= 200 && status < 300 ? " (not a JSON-RPC answer)" : ""
  return failed(new NodeUnreachable({ node: node.name, method, detail: detail + hint }))
}

/** Removes anything secret (the Authorization value, a password in the URL) from a text. */
const redact = (endpoint: JsonRpcEndpoint, text: string): string => {
  let out = text
  const secrets = [endpoint.authorization, URL.canParse(endpoint.url) ? new URL(endpoint.url).password : undefined]
  for (const secret of secrets) if (secret !== undefined && secret !== "") out = out.split(secret).join("***")
  return out
}

let nextId = 0

/** One POST of a JSON-RPC body: the HTTP status and text, or why no answer came (redacted). */
const post = (endpoint: JsonRpcEndpoint, body: string, signal?: AbortSignal): Promise<{ readonly status: number; readonly text: string } | { readonly failure: string }> => {
  const headers: Record<string, string> = { "content-type": "application/json" }
  if (endpoint.authorization !== undefined) headers.authorization = endpoint.authorization
  const late = () => ({ failure: `no answer within ${endpoint.timeoutMs} ms` })
  return byDeadline(
    endpoint.timeoutMs,
    async (aborts, deadline) => {
      try {
        const response = await fetch(endpoint.url, { method: "POST", headers, body, signal: aborts })
        return { status: response.status, text: await response.text() }
      } catch (cause) {
        return deadline.aborted ? late() : { failure: redact(endpoint, describe(cause)) }
      }
    },
    late,
    signal,
  )
}

/** Sends one call; the promise never rejects (a failure is an outcome). `signal` aborts it early. */
export const postJsonRpc = async (endpoint: JsonRpcEndpoint, method: string, params: readonly unknown[], signal?: AbortSignal): Promise<JsonRpcOutcome> => {
  const answer = await post(endpoint, JSON.stringify({ jsonrpc: endpoint.version, id: ++nextId, method, params }), signal)
  if ("failure" in answer) return failed(new NodeUnreachable({ node: endpoint.name, method, detail: answer.failure }))
  const outcome = readAnswer(endpoint, method, answer.status, answer.text)
  if (outcome.ok || outcome.error._tag === "NodeRejected") return outcome
  return failed(outcome.error._tag === "NodeOverloaded"
    ? new NodeOverloaded({ node: endpoint.name, method, detail: redact(endpoint, outcome.error.detail) })
    : new NodeUnreachable({ node: endpoint.name, method, detail: redact(endpoint, outcome.error.detail) }))
}

/** Calls `method` with positional `params` and succeeds with the `result` field. */
export const jsonRpcCall = (endpoint: JsonRpcEndpoint, method: string, params: readonly unknown[] = []): Effect.Effect<unknown, JsonRpcError> =>
  Effect.flatMap(
    Effect.promise((signal) => postJsonRpc(endpoint, method, params, signal)),
    (outcome) => (outcome.ok ? Effect.succeed(outcome.result) : Effect.fail(outcome.error)),
  )

/**
 * Sends several calls in one JSON-RPC batch (one HTTP round trip): the node answers each
 * by id, in any order. The promise never rejects; a transport failure fails every call.
 */
export const postJsonRpcBatch = async (endpoint: JsonRpcEndpoint, calls: readonly { readonly method: string; readonly params: readonly unknown[] }[], signal?: AbortSignal): Promise<JsonRpcOutcome[]> => {
  if (calls.length === 0) return []
  const first = ++nextId
  nextId += calls.length - 1
  const label = `${calls[0]?.method ?? "batch"} ×${calls.length}`
  const answer = await post(endpoint, JSON.stringify(calls.map((c, i) => ({ jsonrpc: endpoint.version, id: first + i, method: c.method, params: c.params }))), signal)
  if ("failure" in answer) return calls.map((c) => failed(new NodeUnreachable({ node: endpoint.name, method: c.method, detail: answer.failure })))
  const { status, text } = answer
  let replies: unknown
  try {
    replies = JSON.parse(text)
  } catch {
    replies = undefined
  }
  if (!Array.isArray(replies)) {
    // Not a batch answer: the whole call failed (a transport failure, or a node without batches).
    const outcome = readAnswer(endpoint, label, status, text)
    const error = outcome.ok ? new NodeUnreachable({ node: endpoint.name, method: label, detail: "the node did not answer the batch with a list" }) : outcome.error
    return calls.map(() => failed(error))
  }
  const byId = new Map<number, unknown>()
  for (const r of replies) if (typeof r === "object" && r !== null && typeof (r as { id?: unknown }).id === "number") byId.set((r as { id: number }).id, r)
  return calls.map((c, i) => {
    const reply = byId.get(first + i)
    if (reply === undefined) return failed(new NodeUnreachable({ node: endpoint.name, method: c.method, detail: "no answer for this call in the batch" }))
    return readReply(endpoint, c.method, 200, reply, () => JSON.stringify(reply))
  })
}
