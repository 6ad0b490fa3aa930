/**
 * `POST /v1/rpc/{chain}` and `GET /v1/balances/{chain}/{address-or-account}`: the read
 * front over the host's nodes (src/reads/). A body is checked whole before anything is
 * sent: a write method, an unknown method or a malformed call anywhere in a batch gets
 * a 400 naming it, and no node is asked. Answers are JSON-RPC, and headers say how each
 * was served: from the cache or a node, merged with another read, hedged, and the block
 * it is about.
 */
import type { Context } from "hono"
import { Effect } from "effect"
import { planRead, readMethodsOf, type ReadChain } from "../../reads/read-methods.ts"
import { readGateMaxWaitMs, type ReadAnswer, type ReadService } from "../../reads/read-service.ts"
import { errorResponse, intakeError, unavailable, type IntakeError } from "../intake-errors.ts"
import type { KeyLimiter } from "../rate-limit.ts"
import { chargeOrRefuse } from "../rate-gate.ts"
import { readJsonBody } from "../read-body.ts"

/** One JSON-RPC call as the client sent it. */
interface RpcCall {
  readonly id: unknown
  readonly method: string
  readonly params: readonly unknown[]
}

const chains: readonly ReadChain[] = ["ethereum", "bitcoin"]
const isChain = (s: string): s is ReadChain => (chains as readonly string[]).includes(s)

const fieldError = (field: string, rule: string, message: string): IntakeError =>
  intakeError(400, "invalid_request", `${field}: ${message}`, { field, rule, errors: [{ field, rule, message: `${field}: ${message}` }] })

/** The chain of the path, or the error answer; 503 when this host has no node of it. */
const chainOf = (c: Context, reads: ReadService | undefined, retryAfterS: number): { readonly ok: true; readonly chain: ReadChain; readonly reads: ReadService } | { readonly ok: false; readonly error: IntakeError } => {
  const chain = c.req.param("chain") ?? ""
  if (!isChain(chain)) return { ok: false, error: fieldError("path.chain", "ethereum or bitcoin", `must be ethereum or bitcoin; got ${JSON.stringify(chain)}`) }
  if (reads === undefined || !reads.chains.includes(chain)) {
    const why = reads === undefined ? "it does not run the consumer role, which holds the node pool" : `it has no ${chain} node in its nodes list`
    return { ok: false, error: unavailable("not_ready", `this host serves no ${chain} reads: ${why}; send reads to a host with the consumer role and a ${chain} node`, retryAfterS) }
  }
  return { ok: true, chain, reads }
}

/**
 * Waits for this request's turn when the host's executors hold transfers (writes come
 * first; src/reads/read-gate.ts). The turn it took (how long it waited, and whether the
 * host was draining), or the 503 that says why it may not wait that long.
 */
const turnOf = async (reads: ReadService): Promise<{ readonly waitMs: number; readonly draining: boolean } | Response> => {
  const admission = reads.admit()
  if (admission._tag === "refused") {
    const retryAfterS = Math.max(1, Math.ceil(admission.retryAfterMs / 1000))
    const rate = reads.settings.rateWhileDraining
    return errorResponse(unavailable("overloaded", `this host is draining transfers, which come first: while it does, it serves ${rate} read requests a second ([reads].rate_while_draining), and the next free turn is more than ${readGateMaxWaitMs} ms away; retry after ${retryAfterS} s, or send the read to a host that is not draining`, retryAfterS, { reason: "draining" }))
  }
  if (admission.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, admission.waitMs))
  return admission
}

/** The header that says a read took its turn behind a drain, and how long it waited for it. */
const deferredHeader = (turn: { readonly waitMs: number; readonly draining: boolean }): Record<string, string> => (turn.draining ? { "X-Gateway-Deferred-Ms": String(Math.round(turn.waitMs)) } : {})

/** Checks one call's shape; `at` is its place in a batch, for the field name. */
const callOf = (item: unknown, at: string): { readonly ok: true; readonly call: RpcCall } | { readonly ok: false; readonly error: IntakeError } => {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return { ok: false, error: fieldError(at === "" ? "body" : at, "JSON-RPC request object", "must be a JSON-RPC request object {jsonrpc, id, method, params}") }
  const o = item as Record<string, unknown>
  const field = (name: string) => (at === "" ? `body.${name}` : `${at}.${name}`)
  if (typeof o.method !== "string" || o.method === "") return { ok: false, error: fieldError(field("method"), "non-empty string", "must be the JSON-RPC method name, a non-empty string") }
  if (o.params !== undefined && !Array.isArray(o.params)) return { ok: false, error: fieldError(field("params"), "array", "must be an array of positional params (named params are not supported)") }
  const id = o.id === undefined ? null : o.id
  if (id !== null && typeof id !== "string" && typeof id !== "number") return { ok: false, error: fieldError(field("id"), "string, number or null", "must be a string, a number or null") }
  return { ok: true, call: { id, method: o.method, params: (o.params as readonly unknown[] | undefined) ?? [] } }
}

/** Refuses a call the read front does not serve, naming where it is. */
const refusalOf = (chain: ReadChain, call: RpcCall, at: string): IntakeError | undefined => {
  const plan = planRead(chain, call.method, call.params, { number: 0 })
  const field = at === "" ? "body.method" : `${at}.method`
  switch (plan._tag) {
    case "read":
      return undefined
    case "write":
      return intakeError(400, "write_method", `${field}: ${call.method} changes the chain; the read front only reads. Send transfers and contract calls to POST /v1/requests, which executes each exactly once`, { field, rule: "read method" })
    case "unknown":
      return intakeError(400, "unknown_method", `${field}: ${call.method} is not a read this gateway serves on ${chain}; it serves ${readMethodsOf(chain).join(", ")}`, { field, rule: "read method", methods: readMethodsOf(chain) })
    case "params":
      return fieldError(at === "" ? "body.params" : `${at}.params`, plan.rule, `${call.method}: ${plan.rule}`)
  }
}

/** The JSON-RPC response text of one answer. */
const responseText = (id: unknown, answer: Exclude<ReadAnswer, { _tag: "refused" }>): string =>
  answer._tag === "result"
    ? `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${answer.json}}`
    : JSON.stringify({ jsonrpc: "2.0", id, error: answer.error })

/** The headers that say how one answer was served. */
const headersOf = (answer: Exclude<ReadAnswer, { _tag: "refused" }>): Record<string, string> => ({
  "content-type": "application/json",
  "X-Gateway-Cache": answer.outcome,
  "X-Gateway-Hedged": String(answer.hedged),
  ...(answer.node === undefined ? {} : { "X-Gateway-Node": answer.node }),
  ...(answer._tag === "result" && answer.block !== undefined ? { "X-Gateway-Block": String(answer.block) } : {}),
})

const served = (a: ReadAnswer): a is Exclude<ReadAnswer, { _tag: "refused" }> => a._tag !== "refused"

/** Builds the `POST /v1/rpc/{chain}` handler. */
export const postRpc = (reads: ReadService | undefined, limits: { readonly maxBodyBytes: number; readonly retryAfterS: number }, limiter?: KeyLimiter) => async (c: Context): Promise<Response> => {
  const target = chainOf(c, reads, limits.retryAfterS)
  if (!target.ok) return errorResponse(target.error)
  const { chain } = target
  const waited = await turnOf(target.reads)
  if (waited instanceof Response) return waited
  const body = await readJsonBody(c.req.raw, limits.maxBodyBytes)
  if (!body.ok) return errorResponse(body.error)
  const batch = Array.isArray(body.value)
  const items: readonly unknown[] = batch ? (body.value as unknown[]) : [body.value]
  const maxBatch = target.reads.settings.maxBatch
  if (batch && (items.length === 0 || items.length > maxBatch)) return errorResponse(fieldError("body", `1 to ${maxBatch} calls`, `a batch holds 1 to ${maxBatch} calls ([reads].max_batch); got ${items.length}`))
  const calls: RpcCall[] = []
  for (let i = 0; i < items.length; i++) {
    const at = batch ? `body[${i}]` : ""
    const checked = callOf(items[i], at)
    if (!checked.ok) return errorResponse(checked.error)
    const refused = refusalOf(chain, checked.call, at)
    if (refused !== undefined) return errorResponse(refused)
    calls.push(checked.call)
  }
  const limited = chargeOrRefuse(limiter, c, calls.length, calls.length === 1 ? "read" : "reads")
  if (limited) return limited
  // Cached answers are served at once; only the rest go through the read service's fibers.
  const peeked = calls.map((call) => target.reads.peek(chain, call.method, call.params))
  const answers = (peeked.every((a) => a !== undefined)
    ? peeked
    : await Effect.runPromise(Effect.forEach(calls, (call, i) => peeked[i] === undefined ? target.reads.read(chain, call.method, call.params) : Effect.succeed(peeked[i] as ReadAnswer), { concurrency: "unbounded" }))
  ).filter(served)
  if (answers.length !== calls.length) return errorResponse(intakeError(400, "unknown_method", "a call was refused after it was checked; send it again"))
  if (!batch) {
    const [answer] = answers
    const call = calls[0]
    if (answer === undefined || call === undefined) return errorResponse(intakeError(400, "invalid_request", "body: no call"))
    const text = responseText(call.id, answer)
    if (answer._tag === "error" && answer.unavailable) return new Response(text, { status: 503, headers: { ...headersOf(answer), ...deferredHeader(waited), "Retry-After": String(limits.retryAfterS) } })
    return new Response(text, { status: 200, headers: { ...headersOf(answer), ...deferredHeader(waited) } })
  }
  const counts = { hit: 0, merged: 0, miss: 0 }
  for (const a of answers) counts[a.outcome] += 1
  const text = `[${answers.map((a, i) => responseText(calls[i]?.id ?? null, a)).join(",")}]`
  return new Response(text, { status: 200, headers: { "content-type": "application/json", "X-Gateway-Cache": `hit=${counts.hit}, merged=${counts.merged}, miss=${counts.miss}`, ...deferredHeader(waited) } })
}

const ethereumAddress = /^0x[0-9a-fA-F]{40}$/
/** A wallet account name: printable text without control characters. */
const accountName = /^[^\u0000-\u001f\u007f]{1,64}$/

/** Builds the `GET /v1/balances/{chain}/{address-or-account}` handler. */
export const getBalance = (reads: ReadService | undefined, limits: { readonly retryAfterS: number }, limiter?: KeyLimiter) => async (c: Context): Promise<Response> => {
  const target = chainOf(c, reads, limits.retryAfterS)
  if (!target.ok) return errorResponse(target.error)
  const { chain } = target
  const who = c.req.param("who") ?? ""
  if (chain === "ethereum" && !ethereumAddress.test(who)) return errorResponse(fieldError("path.address", "0x and 40 hex digits", `must be an Ethereum address, 0x and 40 hex digits; got ${JSON.stringify(who)}`))
  if (chain === "bitcoin" && !accountName.test(who)) return errorResponse(fieldError("path.account", "1 to 64 characters, no control characters", `must be a wallet account name of 1 to 64 characters without control characters; got ${JSON.stringify(who)}`))
  const limited = chargeOrRefuse(limiter, c, 1, "read")
  if (limited) return limited
  const waited = await turnOf(target.reads)
  if (waited instanceof Response) return waited
  const [method, params] = chain === "ethereum" ? ["eth_getBalance", [who.toLowerCase(), "latest"]] as const : ["getbalance", [who]] as const
  const answer = target.reads.peek(chain, method, params) ?? (await Effect.runPromise(target.reads.read(chain, method, params)))
  if (!served(answer)) return errorResponse(intakeError(400, "unknown_method", "the balance read was refused; report it"))
  if (answer._tag === "error") {
    const status = answer.unavailable ? 503 : 502
    return new Response(JSON.stringify({ error: answer.unavailable ? "not_ready" : "node_refused", message: answer.error.message, code: answer.error.code }), {
      status,
      headers: { ...headersOf(answer), ...deferredHeader(waited), ...(answer.unavailable ? { "Retry-After": String(limits.retryAfterS) } : {}) },
    })
  }
  const raw: unknown = JSON.parse(answer.json)
  const balance = chain === "ethereum" && typeof raw === "string" ? BigInt(raw).toString() : String(raw)
  const body = { chain, [chain === "ethereum" ? "address" : "account"]: who, balance, unit: chain === "ethereum" ? "wei" : "BTC", block: answer.block ?? null }
  return new Response(JSON.stringify(body), { status: 200, headers: { ...headersOf(answer), ...deferredHeader(waited) } })
}
