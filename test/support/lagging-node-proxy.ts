/**
 * A JSON-RPC proxy in front of a test's anvil that, once frozen at block F, answers as a
 * node whose newest finished block is F — `eth_blockNumber`, blocks, receipts and
 * transactions by hash show nothing after F — while a sender's transaction count at
 * `latest` or `pending`, and every broadcast, still reach the node as it is.
 *
 * That is anvil's own race stretched from a fraction of a millisecond to as long as a
 * test needs: while it mines a block, anvil already counts the block's nonces as used but
 * has no receipt for its transactions and no longer holds them in its pool
 * (`scripts/probe-anvil-newest-block.ts`; src/execution/ethereum/nonce-fate.ts). An
 * executor that takes "the nonce is used and none of my versions has a receipt" for
 * "another transaction took it" signs the request again, and it is paid twice.
 */

type Call = { jsonrpc?: string; id?: unknown; method?: string; params?: unknown[] }
type Answer = { jsonrpc?: string; id?: unknown; result?: unknown; error?: unknown }

/** What the proxy changed while frozen, per method. */
export type LaggingNodeStats = Readonly<Record<string, number>>

/** A running proxy. */
export interface LaggingNodeProxy {
  /** `http://127.0.0.1:<port>`: give this to the gateway as the node's url. */
  readonly url: string
  /** From now on, answer as a node whose newest block is `block`. */
  readonly freezeAt: (block: number) => void
  /** Answer as the node is again. */
  readonly thaw: () => void
  /** Answers hidden or held back while frozen, per method (`eth_getTransactionCount latest` counts the counts that went through ahead). */
  readonly stats: () => LaggingNodeStats
  readonly stop: () => Promise<void>
}

const hex = (n: number) => `0x${n.toString(16)}`
const blockTags = new Set(["latest", "pending", "safe", "finalized"])
const numberOf = (value: unknown): number | undefined => (typeof value === "string" && value.startsWith("0x") ? Number(value) : undefined)

/** Starts a proxy to `upstream` (anvil's http:// URL) on a free loopback port. */
export const startLaggingNodeProxy = (upstream: string): LaggingNodeProxy => {
  let frozenAt: number | undefined
  const counted = new Map<string, number>()
  const count = (what: string) => counted.set(what, (counted.get(what) ?? 0) + 1)

  /** The call as it goes to the node: reads of the newest block are pinned to F. */
  const rewrite = (call: Call, f: number): Call => {
    const params = call.params ?? []
    if (call.method === "eth_getBlockByNumber" && typeof params[0] === "string" && blockTags.has(params[0])) return { ...call, params: [hex(f), ...params.slice(1)] }
    return call
  }

  /** The answer as a node at F gives it. */
  const lag = (call: Call, answer: Answer, f: number): Answer => {
    const result = answer.result as Record<string, unknown> | null | undefined
    const after = (field: unknown) => {
      const n = numberOf(field)
      return n !== undefined && n > f
    }
    switch (call.method) {
      case "eth_blockNumber":
        if (!after(answer.result)) return answer
        count(call.method)
        return { ...answer, result: hex(f) }
      case "eth_getBlockByNumber":
      case "eth_getBlockByHash":
        if (result === null || result === undefined || !after(result.number)) return answer
        count(call.method)
        return { ...answer, result: null }
      case "eth_getTransactionReceipt":
      case "eth_getTransactionByHash":
        if (result === null || result === undefined || !after(result.blockNumber)) return answer
        count(call.method)
        return { ...answer, result: null }
      case "eth_getTransactionCount": {
        const tag = call.params?.[1]
        if (typeof tag === "string" && blockTags.has(tag)) count(`eth_getTransactionCount ${tag}`)
        return answer
      }
      default:
        return answer
    }
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 60,
    fetch: async (request) => {
      const text = await request.text()
      const f = frozenAt
      if (f === undefined) return fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: text })
      let parsed: Call | Call[]
      try {
        parsed = JSON.parse(text) as Call | Call[]
      } catch {
        return fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: text })
      }
      const calls = Array.isArray(parsed) ? parsed : [parsed]
      const sent = calls.map((c) => rewrite(c, f))
      const reply = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(Array.isArray(parsed) ? sent : sent[0]) })
      const answered = (await reply.json()) as Answer | Answer[]
      const answers = Array.isArray(answered) ? answered : [answered]
      const byId = new Map(calls.map((c) => [JSON.stringify(c.id), c]))
      const lagged = answers.map((a) => {
        const call = byId.get(JSON.stringify(a.id))
        return call === undefined ? a : lag(call, a, f)
      })
      return Response.json(Array.isArray(answered) ? lagged : lagged[0], { status: reply.status })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    freezeAt: (block) => {
      frozenAt = block
    },
    thaw: () => {
      frozenAt = undefined
    },
    stats: () => Object.fromEntries(counted),
    stop: async () => {
      await server.stop(true)
    },
  }
}
