/**
 * A JSON-RPC proxy in front of the wallet that misleads the gateway in one of two ways a
 * real wallet can, and passes everything else through as it is:
 *
 * - `hideListed`: its `listsinceblock` answers leave out the transactions picked, so the
 *   chain watch, which reads on from the newest block, never hears of them;
 * - `loseSendAnswer`: a `sendrawtransaction` picked reaches the wallet, which takes it,
 *   and its answer is lost (HTTP 503, as from a proxy whose upstream went away); the
 *   gateway cannot tell that from a send that never arrived.
 */

type Call = { readonly method?: unknown; readonly params?: readonly unknown[] }
type Answer = { result?: { transactions?: { txid?: unknown }[] } | null }

/** What the proxy does; both default to passing everything through. */
export interface WalletProxyFaults {
  readonly hideListed?: (txid: string) => boolean
  readonly loseSendAnswer?: (rawHex: string) => boolean
}

/** A running proxy. */
export interface WalletProxy {
  /** `http://127.0.0.1:<port>`: give this to the gateway as the wallet's url. */
  readonly url: string
  /** The txids the proxy left out of some `listsinceblock` answer. */
  readonly hidden: () => ReadonlySet<string>
  /** The raw transactions whose send reached the wallet and whose answer the proxy lost, each once. */
  readonly lostAnswers: () => ReadonlySet<string>
  readonly stop: () => Promise<void>
}

/** Starts a proxy to `upstream` (the wallet's http:// URL) on a free loopback port. */
export const startWalletProxy = (upstream: string, faults: WalletProxyFaults): WalletProxy => {
  const hidden = new Set<string>()
  const lost = new Set<string>()
  const hide = (answer: Answer): void => {
    const list = answer?.result?.transactions
    if (!Array.isArray(list) || faults.hideListed === undefined) return
    const picked = faults.hideListed
    answer.result = {
      ...answer.result,
      transactions: list.filter((entry) => {
        if (typeof entry?.txid !== "string" || !picked(entry.txid)) return true
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
      const sends = calls.filter((c) => c?.method === "sendrawtransaction").map((c) => String(c.params?.[0] ?? ""))
      // Lost only the first time: the resend's answer (the wallet already has it) comes back.
      const toLose = sends.filter((raw) => !lost.has(raw) && faults.loseSendAnswer?.(raw) === true)
      if (answer.ok && toLose.length > 0) {
        for (const raw of toLose) lost.add(raw)
        return new Response("the proxy lost the wallet's answer", { status: 503 })
      }
      if (!calls.some((c) => c?.method === "listsinceblock")) return new Response(text, { status: answer.status, headers: { "content-type": "application/json" } })
      let out = text
      try {
        const parsed = JSON.parse(text) as Answer | Answer[]
        // Only listsinceblock answers carry a transactions list.
        for (const a of Array.isArray(parsed) ? parsed : [parsed]) hide(a)
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
    lostAnswers: () => lost,
    stop: () => server.stop(true),
  }
}
