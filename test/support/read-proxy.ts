/**
 * A JSON-RPC proxy in front of a test's anvil that counts what the node saw: HTTP calls
 * in flight at once (the node's cap is about these), HTTP calls in flight per method,
 * calls per method and per method and first param (each call of a batch counted), and it can hold back the answers of chosen
 * methods, so that identical reads overlap at the gateway.
 */

/** What the proxy counted since start or the last reset. */
export interface ReadProxyStats {
  readonly peak: number
  readonly peakByMethod: Readonly<Record<string, number>>
  readonly calls: Readonly<Record<string, number>>
  /** `method first-param` → calls, e.g. `eth_getBalance 0xabc…`. */
  readonly byFirstParam: Readonly<Record<string, number>>
}

/** A running proxy. */
export interface ReadProxy {
  readonly url: string
  readonly stats: () => ReadProxyStats
  readonly reset: () => void
  /** Holds back the answer of every call of `method` by `ms` (0 to stop). */
  readonly delay: (method: string, ms: number) => void
  readonly stop: () => void
}

/** Starts a proxy to `upstream` on a free loopback port. */
export const startReadProxy = (upstream: string): ReadProxy => {
  let open = 0
  let peak = 0
  const openByMethod = new Map<string, number>()
  let peakByMethod: Record<string, number> = {}
  let calls: Record<string, number> = {}
  let byFirstParam: Record<string, number> = {}
  const delays = new Map<string, number>()
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) => {
      const body = await req.text()
      let methods: { method: string; first: unknown }[] = []
      try {
        const parsed = JSON.parse(body) as { method?: string; params?: unknown[] } | { method?: string; params?: unknown[] }[]
        methods = (Array.isArray(parsed) ? parsed : [parsed]).map((r) => ({ method: String(r.method), first: r.params?.[0] }))
      } catch {
        methods = [{ method: "?", first: undefined }]
      }
      open += 1
      peak = Math.max(peak, open)
      // In flight per method counts HTTP requests (what holds a permit of the node's cap): a batch once per method in it.
      const distinct = [...new Set(methods.map((m) => m.method))]
      for (const method of distinct) {
        const n = (openByMethod.get(method) ?? 0) + 1
        openByMethod.set(method, n)
        peakByMethod[method] = Math.max(peakByMethod[method] ?? 0, n)
      }
      for (const m of methods) {
        calls[m.method] = (calls[m.method] ?? 0) + 1
        const key = `${m.method} ${typeof m.first === "string" ? m.first.toLowerCase() : JSON.stringify(m.first)}`
        byFirstParam[key] = (byFirstParam[key] ?? 0) + 1
      }
      try {
        const hold = Math.max(0, ...methods.map((m) => delays.get(m.method) ?? 0))
        if (hold > 0) await Bun.sleep(hold)
        const answer = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body })
        return new Response(await answer.text(), { status: answer.status, headers: { "content-type": "application/json" } })
      } finally {
        open -= 1
        for (const method of new Set(methods.map((m) => m.method))) openByMethod.set(method, (openByMethod.get(method) ?? 1) - 1)
      }
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    stats: () => ({ peak, peakByMethod: { ...peakByMethod }, calls: { ...calls }, byFirstParam: { ...byFirstParam } }),
    reset: () => {
      peak = open
      peakByMethod = {}
      calls = {}
      byFirstParam = {}
    },
    delay: (method, ms) => void delays.set(method, ms),
    stop: () => void server.stop(true),
  }
}

/**
 * Puts `count` proxies in front of the config's eth-1 anvil: eth-1 and, for more than
 * one, eth-2… as copies of its `[[nodes]]` table (each its own cap, `maxInFlight` when
 * given), all on the host's nodes list. Answers the new config text and the proxies.
 */
export const proxiedEthNodes = (toml: string, count: number, maxInFlight?: number): { readonly text: string; readonly proxies: readonly ReadProxy[] } => {
  const at = toml.indexOf('[[nodes]]\nname = "eth-1"')
  const end = toml.indexOf("\n[", at + 10)
  const section = toml.slice(at, end)
  const url = /\nurl = "([^"]*)"/.exec(section)?.[1]
  if (at < 0 || end < 0 || url === undefined) throw new Error("config/local.toml has no eth-1 [[nodes]] table with a url")
  const proxies = Array.from({ length: count }, () => startReadProxy(url))
  const names = proxies.map((_, i) => `eth-${i + 1}`)
  const tables = proxies.map((proxy, i) => {
    const named = section.replace('name = "eth-1"', `name = "${names[i]}"`).replace(`url = "${url}"`, `url = "${proxy.url}"`)
    return maxInFlight === undefined ? named : named.replace(/max_in_flight = \d+/, `max_in_flight = ${maxInFlight}`)
  })
  const text = `${toml.slice(0, at)}${tables.join("\n")}${toml.slice(end)}`.replace('nodes = ["btc-1", "eth-1"]', `nodes = ["btc-1", ${names.map((n) => `"${n}"`).join(", ")}]`)
  if (!text.includes(`"${names.at(-1)}"]`)) throw new Error("config/local.toml's host has no nodes list to add the proxied nodes to")
  return { text, proxies }
}

/** Sets one `[reads]` key of local.toml's table. */
export const withReadsKey = (toml: string, key: string, value: string): string => {
  const from = new RegExp(`^${key} = .*$`, "m")
  if (!from.test(toml)) throw new Error(`config/local.toml's [reads] has no ${key}`)
  return toml.replace(from, `${key} = ${value}`)
}
