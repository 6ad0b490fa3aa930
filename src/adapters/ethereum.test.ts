/**
 * ethers' errors go through the same refusal table as raw calls: `withProvider` against a
 * tiny in-process server that answers as geth does. ethers turns "replacement transaction
 * underpriced" into REPLACEMENT_UNDERPRICED and keeps the node's error under `info.error`;
 * it was read as "unreachable" and retried forever (issue 7).
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { closeEthereumNode, ethereumCall, makeEthereumNode, withProvider } from "./ethereum.ts"

const nodeAnswers: Record<string, { readonly status: number; readonly body: string }> = {
  "0xreplace": { status: 200, body: '{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"replacement transaction underpriced"}}' },
  "0xlow": { status: 200, body: '{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"nonce too low: next nonce 5, tx nonce 3"}}' },
  "0xpoor": { status: 200, body: '{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"insufficient funds for gas * price + value"}}' },
  "0xknown": { status: 200, body: '{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"already known"}}' },
  "0xbusy": { status: 503, body: "busy" },
  "0x500json": { status: 500, body: '{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"already known"}}' },
}

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    const payload = (await request.json()) as { id: number; method: string; params: string[] }
    const answer = nodeAnswers[payload.params[0] ?? ""] ?? { status: 200, body: JSON.stringify({ jsonrpc: "2.0", id: payload.id, result: "0x1" }) }
    return new Response(answer.body.replace('"id":1', `"id":${payload.id}`), { status: answer.status, headers: { "content-type": "application/json" } })
  },
})
const node = makeEthereumNode({ name: "eth-1", url: `http://127.0.0.1:${server.port}/`, chainId: 31337, pollingIntervalMs: 50, timeoutMs: 2_000 })
afterAll(async () => {
  await Effect.runPromise(closeEthereumNode(node))
  server.stop(true)
})

const viaEthers = (raw: string) =>
  Effect.runPromise(Effect.flip(withProvider(node, "eth_sendRawTransaction", (provider) => provider.send("eth_sendRawTransaction", [raw]))))
const viaRaw = (raw: string) => Effect.runPromise(Effect.flip(ethereumCall(node, "eth_sendRawTransaction", [raw])))

describe("ethers' errors and raw calls read alike", () => {
  test.each([
    ["0xreplace", { _tag: "NodeRejected", code: -32000, kind: "replacement-underpriced", detail: "replacement transaction underpriced" }],
    ["0xlow", { _tag: "NodeRejected", code: -32000, kind: "nonce-too-low" }],
    ["0xpoor", { _tag: "NodeRejected", code: -32000, kind: "insufficient-funds" }],
    ["0xknown", { _tag: "NodeRejected", code: -32000, kind: "already-known" }],
    ["0x500json", { _tag: "NodeRejected", code: -32000, kind: "already-known" }],
    ["0xbusy", { _tag: "NodeOverloaded" }],
  ] as const)("%s", async (raw, expected) => {
    expect(await viaRaw(raw)).toMatchObject({ node: "eth-1", ...expected })
    expect(await viaEthers(raw)).toMatchObject({ node: "eth-1", ...expected })
  })
})
