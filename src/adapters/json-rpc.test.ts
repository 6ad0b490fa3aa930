/**
 * The transport's reading of HTTP answers, against a tiny in-process server that answers
 * each method the way a real node can: Bitcoin Core's HTTP 500 with a JSON-RPC error body,
 * a 503 work queue, btcwallet's 429, garbage, a hang. Pure transport logic, so no real node.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Exit } from "effect"
import { bitcoinCall } from "./bitcoin-rpc.ts"
import { jsonRpcCall, type JsonRpcEndpoint, postJsonRpc, postJsonRpcBatch, readAnswer } from "./json-rpc.ts"

const SECRET = "s3cret-pass"
const AUTH = `Basic ${Buffer.from(`user:${SECRET}`).toString("base64")}`

const rpcError = (code: number, message: string) => JSON.stringify({ result: null, error: { code, message }, id: 1 })

/** Each method names the answer the server gives it. */
const answers: Readonly<Record<string, () => Response | Promise<Response>>> = {
  ok: () => Response.json({ jsonrpc: "2.0", id: 1, result: "0x10" }),
  nullResult: () => Response.json({ result: null, error: null, id: 1 }),
  core500: () => new Response(rpcError(-26, "txn-mempool-conflict"), { status: 500, headers: { "content-type": "application/json" } }),
  core404: () => new Response(rpcError(-32601, "Method not found"), { status: 404 }),
  coreWarmup: () => new Response(rpcError(-28, "Loading block index..."), { status: 500 }),
  geth200: () => Response.json({ jsonrpc: "2.0", id: 1, error: { code: 3, message: "execution reverted: nope", data: "0x08c379a0" } }),
  workQueue: () => new Response("Work queue depth exceeded", { status: 503 }),
  tooMany: () => new Response("429 Too Many Requests\n", { status: 429 }),
  plain500: () => new Response("internal error", { status: 500 }),
  unauthorized: () => new Response("401 Unauthorized.", { status: 401 }),
  garbage: () => new Response("<html>not json</html>", { status: 200 }),
  hang: () => new Promise<Response>(() => undefined),
}

const seenAuth: string[] = []
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    seenAuth.push(request.headers.get("authorization") ?? "")
    const { method } = (await request.json()) as { method: string }
    const answer = answers[method]
    return answer === undefined ? new Response("no such scripted answer", { status: 400 }) : answer()
  },
})
afterAll(() => server.stop(true))

const endpoint = (over: Partial<JsonRpcEndpoint> = {}): JsonRpcEndpoint => ({
  name: "node-1",
  chain: "bitcoin",
  url: `http://127.0.0.1:${server.port}/`,
  timeoutMs: 2_000,
  authorization: AUTH,
  version: "1.0",
  ...over,
})

const failure = async (method: string, over: Partial<JsonRpcEndpoint> = {}) => {
  const outcome = await postJsonRpc(endpoint(over), method, [])
  if (outcome.ok) throw new Error(`${method} succeeded`)
  return outcome.error
}

describe("postJsonRpc", () => {
  test("returns the result, null included", async () => {
    expect(await postJsonRpc(endpoint(), "ok", [])).toEqual({ ok: true, result: "0x10" })
    expect(await postJsonRpc(endpoint(), "nullResult", [])).toEqual({ ok: true, result: null })
  })

  test("sends the Authorization header when given, and none otherwise", async () => {
    seenAuth.length = 0
    await postJsonRpc(endpoint(), "ok", [])
    await postJsonRpc(endpoint({ authorization: undefined }), "ok", [])
    expect(seenAuth).toEqual([AUTH, ""])
  })

  test.each([
    ["HTTP 500 with a JSON-RPC error (Bitcoin Core) is a refusal with its code and kind", "core500", { _tag: "NodeRejected", code: -26, kind: "conflict", detail: "txn-mempool-conflict" }],
    ["HTTP 404 with a JSON-RPC error (Core's unknown method) is a refusal", "core404", { _tag: "NodeRejected", code: -32601, kind: "invalid" }],
    ["HTTP 500 with -28 (warming up) is a node not ready", "coreWarmup", { _tag: "NodeUnreachable" }],
    ["HTTP 503 without a JSON error is overload", "workQueue", { _tag: "NodeOverloaded" }],
    ["HTTP 429 is overload", "tooMany", { _tag: "NodeOverloaded" }],
    ["HTTP 500 without a JSON error is unreachable", "plain500", { _tag: "NodeUnreachable", detail: "HTTP 500: internal error" }],
    ["HTTP 200 that is not JSON-RPC is unreachable", "garbage", { _tag: "NodeUnreachable" }],
  ] as const)("%s", async (_label, method, expected) => {
    expect(await failure(method)).toMatchObject({ node: "node-1", method, ...expected })
  })

  test("an Ethereum revert keeps its data", async () => {
    expect(await failure("geth200", { chain: "ethereum", version: "2.0" })).toMatchObject({ _tag: "NodeRejected", code: 3, kind: "reverted", data: "0x08c379a0" })
  })

  test("a 401 says to check the credentials, and never shows them", async () => {
    const error = await failure("unauthorized")
    expect(error._tag).toBe("NodeUnreachable")
    expect(error.message).toContain("user and password")
    expect(error.message).not.toContain(SECRET)
    expect(error.message).not.toContain(AUTH)
  })

  test("a hang ends at the timeout as unreachable", async () => {
    const started = performance.now()
    const error = await failure("hang", { timeoutMs: 150 })
    expect(error).toMatchObject({ _tag: "NodeUnreachable", detail: "no answer within 150 ms" })
    expect(performance.now() - started).toBeLessThan(1_500)
  })

  test("a refused connection is unreachable and does not show a password in the URL", async () => {
    const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") })
    const port = closed.port
    closed.stop(true)
    const error = await failure("ok", { url: `http://user:${SECRET}@127.0.0.1:${port}/` })
    expect(error._tag).toBe("NodeUnreachable")
    expect(error.message).not.toContain(SECRET)
  })
})

describe("jsonRpcCall", () => {
  test("an interrupted call stops waiting", async () => {
    const started = performance.now()
    const exit = await Effect.runPromiseExit(jsonRpcCall(endpoint({ timeoutMs: 10_000 }), "hang").pipe(Effect.timeout("100 millis")))
    expect(Exit.isFailure(exit)).toBe(true)
    expect(performance.now() - started).toBeLessThan(1_000)
  })

  test("bitcoinCall reads Core's HTTP 500 as a refusal, never as unreachable", async () => {
    const node = { name: "btc-1", url: `http://127.0.0.1:${server.port}/`, user: "user", password: SECRET, timeoutMs: 2_000 }
    const error = await Effect.runPromise(Effect.flip(bitcoinCall(node, "core500")))
    expect(error).toMatchObject({ _tag: "NodeRejected", node: "btc-1", code: -26, kind: "conflict" })
    expect(error.message).not.toContain(SECRET)
  })
})

describe("readAnswer", () => {
  const node = { name: "eth-1", chain: "ethereum" as const }
  test.each([
    ["a result", 200, '{"jsonrpc":"2.0","id":1,"result":"0x1"}', { ok: true, result: "0x1" }],
    ["an error beside a result field", 200, '{"jsonrpc":"2.0","id":1,"result":null,"error":{"code":-32000,"message":"already known"}}', { ok: false, error: { _tag: "NodeRejected", kind: "already-known" } }],
    ["an error whose code is not a number", 200, '{"jsonrpc":"2.0","id":1,"error":"boom"}', { ok: false, error: { _tag: "NodeUnreachable" } }],
    ["a batch answer", 200, "[]", { ok: false, error: { _tag: "NodeUnreachable" } }],
    ["an empty 502", 502, "", { ok: false, error: { _tag: "NodeUnreachable", detail: "HTTP 502" } }],
    ["EIP-1474 limit exceeded", 200, '{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"limit exceeded"}}', { ok: false, error: { _tag: "NodeOverloaded" } }],
  ] as const)("%s", (_label, status, text, expected) => expect(readAnswer(node, "m", status, text)).toMatchObject(expected))
})

describe("postJsonRpcBatch", () => {
  /** Answers a batch in reverse order: a result, a refusal, and nothing at all for a method named "skip". */
  const batchServer = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const body = (await request.json()) as unknown
      if (!Array.isArray(body)) return new Response("batches only", { status: 400 })
      const replies = (body as { id: number; method: string }[])
        .filter((c) => c.method !== "skip")
        .map((c) => (c.method === "refuse" ? { jsonrpc: "2.0", id: c.id, error: { code: -32003, message: "nonce too low" } } : { jsonrpc: "2.0", id: c.id, result: c.method }))
      return Response.json(replies.reverse())
    },
  })
  afterAll(() => batchServer.stop(true))
  const batchEndpoint = (): JsonRpcEndpoint => ({ name: "batch-node", chain: "ethereum", url: `http://127.0.0.1:${batchServer.port}`, timeoutMs: 2000, version: "2.0" })

  test("each call gets its own answer by id, whatever order the node answers in", async () => {
    const out = await postJsonRpcBatch(batchEndpoint(), [{ method: "a", params: [] }, { method: "refuse", params: [] }, { method: "skip", params: [] }, { method: "b", params: [] }])
    expect(out[0]).toEqual({ ok: true, result: "a" })
    expect(out[1]?.ok === false && out[1].error._tag === "NodeRejected" && out[1].error.kind).toBe("nonce-too-low")
    expect(out[2]?.ok === false && out[2].error._tag).toBe("NodeUnreachable")
    expect(out[3]).toEqual({ ok: true, result: "b" })
  })

  test("an answer that is not a list fails every call of the batch", async () => {
    const out = await postJsonRpcBatch({ ...batchEndpoint(), url: `http://127.0.0.1:${server.port}` }, [{ method: "ok", params: [] }, { method: "ok", params: [] }])
    expect(out.map((o) => o.ok)).toEqual([false, false])
  })

  test("an empty batch sends nothing", async () => {
    expect(await postJsonRpcBatch(batchEndpoint(), [])).toEqual([])
  })
})
