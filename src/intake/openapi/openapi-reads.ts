/**
 * The read front's part of `/openapi.json`: `POST /v1/rpc/{chain}` and
 * `GET /v1/balances/{chain}/{address-or-account}`, with the headers that say how each
 * answer was served.
 */
import { readMethodsOf } from "../../reads/read-methods.ts"

const errorBody = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } })
const header = (description: string, type: "string" | "integer" | "boolean" = "string") => ({ description, schema: { type } })

/** How an answer was served, on every single-call answer. */
const servedHeaders = {
  "X-Gateway-Cache": header("hit (from the cache), merged (shared the node call of an identical read in flight) or miss (a node call of its own). A batch answer carries the counts instead: `hit=H, merged=M, miss=N`."),
  "X-Gateway-Node": header("The node that answered (for a hit: the node whose answer was kept)."),
  "X-Gateway-Block": header("The block the answer is about, when it depends on one: `latest` is pinned to the head the gateway follows, so this is the block number actually read.", "integer"),
  "X-Gateway-Hedged": header("true when the answer came from a second node asked because the first was slower than the pool's p95 ([reads].hedge).", "boolean"),
  "X-Gateway-Deferred-Ms": header("Present when the read arrived while this host was draining transfers, which come first, and so took a turn of the reads it serves meanwhile ([reads].rate_while_draining): the milliseconds it waited for that turn (0 when it was free).", "integer"),
}

const chainParam = { name: "chain", in: "path", required: true, schema: { type: "string", enum: ["ethereum", "bitcoin"] } }

const rpcCall = {
  type: "object",
  required: ["method"],
  properties: { jsonrpc: { const: "2.0" }, id: { type: ["string", "integer", "null"] }, method: { type: "string" }, params: { type: "array" } },
}

/** The read front's paths, for `openApiDocument`. */
export const readPaths = (retryAfter: Readonly<Record<string, unknown>>, rateLimited: Readonly<Record<string, unknown>>) => ({
  "/v1/rpc/{chain}": {
    post: {
      summary: "JSON-RPC reads, single or batched, served from a cache keyed by the block each answer depends on, merged in flight, and spread over the chain's nodes behind the executor's writes.",
      description: `Ethereum reads: ${readMethodsOf("ethereum").join(", ")}. Bitcoin wallet reads: ${readMethodsOf("bitcoin").join(", ")}. Anything else is refused before any node is asked.`,
      parameters: [chainParam],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: { oneOf: [rpcCall, { type: "array", items: rpcCall, minItems: 1 }] },
            examples: {
              balance: { value: { jsonrpc: "2.0", id: 1, method: "eth_getBalance", params: ["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "latest"] } },
              walletBalance: { value: { jsonrpc: "2.0", id: 1, method: "getbalance", params: ["default"] } },
            },
          },
        },
      },
      responses: {
        "200": { description: "JSON-RPC response(s); a node's refusal is the item's `error`, as the node gave it.", headers: servedHeaders, content: { "application/json": {} } },
        "400": errorBody("write_method (use POST /v1/requests), unknown_method (the message lists the served methods), invalid_json, or invalid_request naming the field and rule. No node was asked."),
        "401": errorBody("No or unknown API key."),
        "413": errorBody("Body over [intake].max_body_bytes."),
        "429": rateLimited,
        "503": { description: "No node of the chain could take the read (JSON-RPC error -32011), this host serves no reads of the chain (no consumer role or no node of it), or it is draining transfers and the reads it serves meanwhile ([reads].rate_while_draining) are taken for the next second (`overloaded`, `reason: draining`). Retry after Retry-After.", headers: retryAfter },
      },
    },
  },
  "/v1/balances/{chain}/{who}": {
    get: {
      summary: "The balance of an Ethereum address (wei, at the head) or a Bitcoin wallet account (BTC): the commonest read, in plain form.",
      parameters: [chainParam, { name: "who", in: "path", required: true, schema: { type: "string" }, description: "0x and 40 hex digits for ethereum; a wallet account name (1 to 64 characters, no control characters) for bitcoin." }],
      responses: {
        "200": {
          description: "The balance, its unit, and the block it is about.",
          headers: servedHeaders,
          content: { "application/json": { schema: { type: "object", properties: { chain: { type: "string" }, address: { type: "string" }, account: { type: "string" }, balance: { type: "string" }, unit: { type: "string", enum: ["wei", "BTC"] }, block: { type: ["integer", "null"] } } } } },
        },
        "400": errorBody("The address or account is malformed: the field and rule are named."),
        "401": errorBody("No or unknown API key."),
        "429": rateLimited,
        "502": { description: "The node refused the read; `message` and `code` are its own." },
        "503": { description: "No node could take the read, this host serves no reads of the chain, or it is draining transfers and its reads are taken for the next second (`overloaded`, `reason: draining`). Retry after Retry-After.", headers: retryAfter },
      },
    },
  },
})
