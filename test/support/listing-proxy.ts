/**
 * A JSON-RPC proxy in front of the wallet whose `listsinceblock` answers leave out the
 * transactions a test picks, as btcwallet's do when it is asked before it has taken in
 * the newest block: the watch reads on from past that block, and never hears of them.
 * Every other call, and every other entry, goes through as it is.
 */

type Call = { readonly method?: unknown }
type Answer = { result?: { transactions?: { txid?: unknown }[] } | null }

/** A running proxy. */
export interface ListingProxy {
  /** `http://127.0.0.1:<port>`: give this to the gateway as the wallet's url. */
  readonly url: string
  /** The txids the proxy left out of some `listsinceblock` answer. */
  readonly hidden: () => ReadonlySet<string>
  readonly stop: () => Promise<void>
}

/** Starts a proxy to `upstream` (the wallet's http:// URL) on a free loopback port; `hide` picks the txids to leave out. */
export const startListingProxy = (upstream: string, hide: (txid: string) => boolean): ListingProxy => {
  const hidden = new Set<string>()
  const filter = (answer: Answer): void => {
    const list = answer?.result?.transactions
    if (!Array.isArray(list)) return
    answer.result = {
      ...answer.result,
      transactions: list.filter((entry) => {
        if (typeof entry?.txid !== "string" || !hide(entry.txid)) return true
        hidden.add(entry.txid)
        return false
      }),
    }
  }
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      const body = await request.text()
      let calls: Call[] = []
      try {
        const parsed = JSON.parse(body) as Call | Call[]
        calls = Array.isArray(parsed) ? parsed : [parsed]
      } catch {
        calls = []
      }
      const headers: Record<string, string> = { "content-type": request.headers.get("content-type") ?? "application/json" }
      const auth = request.headers.get("authorization")
      if (auth !== null) headers.authorization = auth
      const answer = await fetch(upstream, { method: "POST", headers, body })
      const text = await answer.text()
      if (!calls.some((c) => c?.method === "listsinceblock")) return new Response(text, { status: answer.status, headers: { "content-type": "application/json" } })
      let out = text
      try {
        const parsed = JSON.parse(text) as Answer | Answer[]
        // A batch's answers are in any order; only listsinceblock answers carry a transactions list.
        for (const a of Array.isArray(parsed) ? parsed : [parsed]) filter(a)
        out = JSON.stringify(parsed)
      } catch {
        // Not JSON: passed on as it is.
      }
      return new Response(out, { status: answer.status, headers: { "content-type": "application/json" } })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    hidden: () => hidden,
    stop: () => server.stop(true),
  }
}
