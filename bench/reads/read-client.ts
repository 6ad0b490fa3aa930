/**
 * One balance read, the way a client makes it: `eth_getBalance(address,
 * "latest")` as a single JSON-RPC call, POSTed to the gateway's
 * `/v1/rpc/ethereum` or straight to a node, or the gateway's
 * `GET /v1/balances/ethereum/{address}`. Every pass of the bench reads
 * through these functions with plain `fetch`, so the gateway and the node
 * are measured by the same client. An answer never rejects: every ending
 * (a balance, a JSON-RPC error, an HTTP error, no answer) is a `ReadAnswer`.
 */

/** How one read ended, with what the gateway said about it. */
export interface ReadAnswer {
  readonly ok: boolean
  /** The balance in wei, when ok. */
  readonly balance?: bigint
  /** `X-Gateway-Block`: the block the answer is for; null when absent (always, straight from a node). */
  readonly block: number | null
  /** `X-Gateway-Cache`: hit, miss or merged. */
  readonly cache?: string
  /** `X-Gateway-Node`: the node that produced the answer. */
  readonly node?: string
  /** `X-Gateway-Hedged: true`. */
  readonly hedged?: boolean
  /** Why it failed, for grouping: `HTTP 503 overloaded`, `-32000 header not found`, `no answer: TimeoutError`. */
  readonly error?: string
}

/** Reads `address`; `id` is the JSON-RPC id. Never rejects. */
export type ReadCall = (address: string, id: number) => Promise<ReadAnswer>

/** The headers an answer carries (a `Headers` object, or a map in tests). */
export interface HeaderLookup {
  readonly get: (name: string) => string | null
}

const DETAIL_LIMIT = 120

const short = (text: string) => {
  const one = text.replace(/\s+/g, " ").trim()
  return one.length > DETAIL_LIMIT ? `${one.slice(0, DETAIL_LIMIT)}...` : one
}

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === "object" && v !== null && !Array.isArray(v)

/** The gateway's headers on an answer: block, cache outcome, node, hedged. */
export const gatewayHeaders = (headers: HeaderLookup): Pick<ReadAnswer, "block" | "cache" | "node" | "hedged"> => {
  const blockText = headers.get("x-gateway-block")
  const block = blockText !== null && /^\d+$/.test(blockText.trim()) ? Number(blockText.trim()) : null
  const cache = headers.get("x-gateway-cache")
  const node = headers.get("x-gateway-node")
  const hedged = headers.get("x-gateway-hedged")
  return { block, ...(cache === null ? {} : { cache }), ...(node === null ? {} : { node }), ...(hedged === null ? {} : { hedged: hedged === "true" }) }
}

/** The `error` code (or message) of an HTTP error body, else its start. */
const httpDetail = (status: number, text: string): string => {
  try {
    const parsed: unknown = JSON.parse(text)
    if (isRecord(parsed) && typeof parsed.error === "string") return `HTTP ${status} ${parsed.error}`
    if (isRecord(parsed) && isRecord(parsed.error)) return `HTTP ${status} ${String(parsed.error.code ?? "?")} ${short(String(parsed.error.message ?? ""))}`
  } catch {
    // Not JSON: the raw text says it.
  }
  return `HTTP ${status} ${short(text)}`
}

const wei = (v: unknown, radix: "hex" | "decimal"): bigint | undefined => {
  if (typeof v !== "string") return undefined
  if (radix === "hex" ? !/^0x[0-9a-fA-F]+$/.test(v) : !/^\d+$/.test(v)) return undefined
  return BigInt(v)
}

/** The headers, and the body parsed as JSON, or the failed answer when it is not a 200 with JSON. */
const jsonAnswer = (status: number, text: string, headers: HeaderLookup): { readonly seen: ReturnType<typeof gatewayHeaders>; readonly parsed: unknown } | ReadAnswer => {
  const seen = gatewayHeaders(headers)
  if (status !== 200) return { ...seen, ok: false, error: httpDetail(status, text) }
  try {
    return { seen, parsed: JSON.parse(text) as unknown }
  } catch {
    return { ...seen, ok: false, error: `not JSON: ${short(text)}` }
  }
}

/** A JSON-RPC answer to one `eth_getBalance` call, read with its headers. */
export const parseRpcAnswer = (status: number, text: string, headers: HeaderLookup): ReadAnswer => {
  const read = jsonAnswer(status, text, headers)
  if ("ok" in read) return read
  const { seen, parsed } = read
  if (!isRecord(parsed)) return { ...seen, ok: false, error: "not one JSON-RPC response object (a batch answer to a single call?)" }
  if (isRecord(parsed.error)) return { ...seen, ok: false, error: `${String(parsed.error.code ?? "?")} ${short(String(parsed.error.message ?? ""))}` }
  const balance = wei(parsed.result, "hex")
  return balance === undefined ? { ...seen, ok: false, error: `result is not a hex quantity: ${short(JSON.stringify(parsed.result) ?? "undefined")}` } : { ...seen, ok: true, balance }
}

/** A `GET /v1/balances/ethereum/{address}` answer: `{balance, block}` with the balance in wei as a decimal string. */
export const parseBalancesAnswer = (status: number, text: string, headers: HeaderLookup): ReadAnswer => {
  const read = jsonAnswer(status, text, headers)
  if ("ok" in read) return read
  const { seen, parsed } = read
  if (!isRecord(parsed)) return { ...seen, ok: false, error: `not an object: ${short(text)}` }
  const balance = wei(parsed.balance, "decimal")
  if (balance === undefined) return { ...seen, ok: false, error: `balance is not a decimal wei string: ${short(JSON.stringify(parsed.balance) ?? "undefined")}` }
  // The header is the contract; the body's block stands in only when the header is missing.
  const bodyBlock = typeof parsed.block === "number" ? parsed.block : typeof parsed.block === "string" && /^\d+$/.test(parsed.block) ? Number(parsed.block) : null
  return { ...seen, block: seen.block ?? bodyBlock, ok: true, balance }
}

/** The JSON-RPC body of one read. */
export const balanceCallBody = (address: string, id: number): string =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "eth_getBalance", params: [address, "latest"] })

const noAnswer = (error: unknown): ReadAnswer => ({ ok: false, block: null, error: `no answer: ${error instanceof Error ? error.name : String(error)}` })

/** Reads by POSTing `eth_getBalance` to `url` (a node, a proxy, or the gateway's `/v1/rpc/ethereum` with `apiKey`). */
export const rpcRead = (url: string, timeoutMs: number, apiKey?: string): ReadCall => {
  const headers: Record<string, string> = { "content-type": "application/json", ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }) }
  return async (address, id) => {
    try {
      const response = await fetch(url, { method: "POST", headers, body: balanceCallBody(address, id), signal: AbortSignal.timeout(timeoutMs) })
      return parseRpcAnswer(response.status, await response.text(), response.headers)
    } catch (error) {
      return noAnswer(error)
    }
  }
}

/** Reads with the gateway's `GET /v1/balances/ethereum/{address}`. */
export const balancesRead = (baseUrl: string, timeoutMs: number, apiKey: string): ReadCall => {
  const headers = { authorization: `Bearer ${apiKey}` }
  return async (address) => {
    try {
      const response = await fetch(`${baseUrl}/v1/balances/ethereum/${address}`, { headers, signal: AbortSignal.timeout(timeoutMs) })
      return parseBalancesAnswer(response.status, await response.text(), response.headers)
    } catch (error) {
      return noAnswer(error)
    }
  }
}
