/**
 * A JSON-RPC proxy in front of the wallet that, while holding, keeps every
 * `sendrawtransaction` from it: the caller gets HTTP 503, as from a node too busy to
 * answer, and the proxy keeps the transaction it was asked to send. Every other call goes
 * through as it is. A test holds a gateway's broadcast this way, spends one of the held
 * transaction's coins itself, and lets the broadcast through once a block holds the
 * other spend.
 */

type Call = { readonly method?: unknown; readonly params?: readonly unknown[] }

/** A running proxy. */
export interface HeldBroadcastProxy {
  /** `http://127.0.0.1:<port>`: give this to the gateway as the wallet's url. */
  readonly url: string
  /** The raw transactions (hex) the proxy kept from the wallet, oldest first, each once. */
  readonly held: () => readonly string[]
  /** Lets every later `sendrawtransaction` through. */
  readonly release: () => void
  readonly stop: () => Promise<void>
}

/** Starts a proxy to `upstream` (the wallet's http:// URL) on a free loopback port, holding from the start. */
export const startHeldBroadcastProxy = (upstream: string): HeldBroadcastProxy => {
  let holding = true
  const held: string[] = []
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      const body = await request.text()
      let parsed: unknown
      try {
        parsed = JSON.parse(body)
      } catch {
        parsed = undefined
      }
      const calls = (Array.isArray(parsed) ? parsed : [parsed]) as Call[]
      const sends = calls.filter((c) => c?.method === "sendrawtransaction")
      if (holding && sends.length > 0) {
        for (const s of sends) {
          const raw = String(s.params?.[0] ?? "")
          if (!held.includes(raw)) held.push(raw)
        }
        return new Response("held by the test's proxy", { status: 503 })
      }
      const headers: Record<string, string> = { "content-type": request.headers.get("content-type") ?? "application/json" }
      const auth = request.headers.get("authorization")
      if (auth !== null) headers.authorization = auth
      const answer = await fetch(upstream, { method: "POST", headers, body })
      return new Response(await answer.arrayBuffer(), { status: answer.status, headers: { "content-type": answer.headers.get("content-type") ?? "application/json" } })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    held: () => [...held],
    release: () => {
      holding = false
    },
    stop: () => server.stop(true),
  }
}
