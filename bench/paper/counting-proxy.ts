/**
 * A counting JSON-RPC proxy: it stands in front of one node (btcwallet, an
 * anvil), forwards every POST unchanged (body, basic auth and all) and
 * answers with the node's own status and body, while it counts what the
 * node saw: how many calls were in flight at once (the peak is the figure
 * invariant 4 is about), every call by method, and every error answer (an
 * HTTP error or a JSON-RPC `error`), grouped by message. The same proxy
 * stands in front of the node for the gateway and for the direct baseline,
 * so both are measured with one instrument.
 */

/** One call the node answered (or failed to). */
export interface ProxiedCall {
  readonly method: string
  /** Epoch ms (fractional) when the call reached the proxy and when the node's answer was back. */
  readonly startMs: number
  readonly endMs: number
  /** HTTP 200 with no JSON-RPC error. */
  readonly ok: boolean
  /** The error code and message when not ok, e.g. `-6 Insufficient funds` or `HTTP 503 Too busy`. */
  readonly error?: string
  /** A hash of the call's params, for the methods the proxy was asked to key (the same call sent twice has the same key). */
  readonly paramsKey?: string
}

/** Error answers with the same method and text, counted together. */
export interface ProxyErrorGroup {
  readonly method: string
  readonly error: string
  readonly count: number
}

/** What the proxy saw so far. */
export interface ProxyStats {
  readonly calls: number
  readonly errors: number
  readonly peakInFlight: number
  readonly byMethod: Readonly<Record<string, number>>
  /** Largest groups first. */
  readonly errorGroups: ReadonlyArray<ProxyErrorGroup>
}

/** A running proxy. */
export interface CountingProxy {
  /** `http://127.0.0.1:PORT`: give this to whoever should reach the node through the proxy. */
  readonly url: string
  /** The port it listens on, on every address of `listen` (e.g. the lab bridge's address when it listens on 0.0.0.0). */
  readonly port: number
  readonly upstream: string
  readonly stats: () => ProxyStats
  /** Every call in completion order, e.g. to draw deliveries over time. */
  readonly calls: () => ReadonlyArray<ProxiedCall>
  /** Starts a new window: the peak, the counts and the call list start again from zero. */
  readonly reset: () => void
  readonly stop: () => Promise<void>
}

const DETAIL_LIMIT = 160

/** The method names of a JSON-RPC body (one, or several for a batch); `?` when it does not parse. */
export const methodsOf = (text: string): ReadonlyArray<string> => {
  try {
    const parsed: unknown = JSON.parse(text)
    const items = Array.isArray(parsed) ? parsed : [parsed]
    return items.map((item) => (typeof item === "object" && item !== null && "method" in item && typeof item.method === "string" ? item.method : "?"))
  } catch {
    return ["?"]
  }
}

const flat = (text: string) => {
  const one = text.replace(/\s+/g, " ").trim()
  return one.length > DETAIL_LIMIT ? `${one.slice(0, DETAIL_LIMIT)}...` : one
}

/** The error a node's answer carries, or undefined for a success (HTTP 200 and no JSON-RPC error in any item). */
export const answerError = (status: number, text: string): string | undefined => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return `HTTP ${status} ${flat(text)}`
  }
  const items = Array.isArray(parsed) ? parsed : [parsed]
  for (const item of items) {
    const error = typeof item === "object" && item !== null && "error" in item ? item.error : null
    if (typeof error === "object" && error !== null) {
      const code = "code" in error ? String(error.code) : "?"
      const message = "message" in error ? String(error.message) : JSON.stringify(error)
      return `${code} ${flat(message)}`
    }
  }
  return status === 200 ? undefined : `HTTP ${status} ${flat(text)}`
}

/** A short hash of the params of a single JSON-RPC call; undefined for a batch or a body that does not parse. */
export const paramsKeyOf = (text: string): string | undefined => {
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !("params" in parsed)) return undefined
    return Bun.hash(JSON.stringify(parsed.params)).toString(36)
  } catch {
    return undefined
  }
}

/** Counts failures by method and text, largest first. */
export const groupErrors = (calls: ReadonlyArray<ProxiedCall>): ReadonlyArray<ProxyErrorGroup> => {
  const groups = new Map<string, { method: string; error: string; count: number }>()
  for (const c of calls) {
    if (c.ok || c.error === undefined) continue
    const key = `${c.method}\u0000${c.error}`
    const g = groups.get(key) ?? { method: c.method, error: c.error, count: 0 }
    g.count++
    groups.set(key, g)
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.method.localeCompare(b.method) || a.error.localeCompare(b.error))
}

/** The most calls (of those `include` accepts) that were at the node at one moment, from their intervals. */
export const peakOverlap = (calls: ReadonlyArray<ProxiedCall>, include: (method: string) => boolean = () => true): number => {
  const edges = calls
    .filter((c) => include(c.method))
    .flatMap((c) => [[c.startMs, 1] as const, [c.endMs, -1] as const])
    // At equal times an end comes first: a call that ends as another starts never overlapped it.
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let open = 0
  let peak = 0
  for (const [, d] of edges) {
    open += d
    peak = Math.max(peak, open)
  }
  return peak
}

/** Headers passed on to the node: the body's type and the credentials, nothing hop-by-hop. */
const FORWARDED = ["authorization", "content-type"]

/** How a proxy behaves. */
export interface ProxyOptions {
  /** How long the node may take to answer one call. */
  readonly timeoutMs?: number
  /** Methods whose params are hashed into `paramsKey` (e.g. `eth_sendRawTransaction`, to tell a first broadcast from a repeat). */
  readonly keyParamsOf?: ReadonlyArray<string>
  /** The address to listen on: 127.0.0.1 unless callers elsewhere need it (0.0.0.0 lets the lab's namespaces reach it across the bridge). */
  readonly listen?: string
}

/** Starts a proxy on a free loopback port in front of `upstream` (the node's JSON-RPC URL). */
export const startCountingProxy = (upstream: string, options: ProxyOptions = {}): CountingProxy => {
  const keyed = new Set(options.keyParamsOf ?? [])
  const now = () => performance.timeOrigin + performance.now()
  let calls: Array<ProxiedCall> = []
  let inFlight = 0
  let peak = 0
  const server = Bun.serve({
    hostname: options.listen ?? "127.0.0.1",
    port: 0,
    idleTimeout: 60,
    fetch: async (request) => {
      const body = await request.text()
      const method = methodsOf(body).join(",")
      const headers: Record<string, string> = {}
      for (const name of FORWARDED) {
        const value = request.headers.get(name)
        if (value !== null) headers[name] = value
      }
      inFlight++
      peak = Math.max(peak, inFlight)
      const startMs = now()
      let status = 502
      let text = ""
      try {
        const response = await fetch(upstream, { method: "POST", headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) })
        status = response.status
        text = await response.text()
      } catch (error) {
        text = `counting proxy: the node at ${upstream} did not answer (${error instanceof Error ? error.message : String(error)})`
      } finally {
        inFlight--
      }
      const error = status === 502 && text.startsWith("counting proxy:") ? `unreachable: ${flat(text)}` : answerError(status, text)
      const paramsKey = keyed.has(method) ? paramsKeyOf(body) : undefined
      calls.push({ method, startMs, endMs: now(), ok: error === undefined, ...(error === undefined ? {} : { error }), ...(paramsKey === undefined ? {} : { paramsKey }) })
      return new Response(text, { status, headers: { "content-type": "application/json" } })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port ?? 0,
    upstream,
    calls: () => calls,
    stats: () => {
      const byMethod: Record<string, number> = {}
      for (const c of calls) byMethod[c.method] = (byMethod[c.method] ?? 0) + 1
      const errorGroups = groupErrors(calls)
      return { calls: calls.length, errors: errorGroups.reduce((n, g) => n + g.count, 0), peakInFlight: peak, byMethod, errorGroups }
    },
    reset: () => {
      calls = []
      peak = inFlight
    },
    stop: () => server.stop(true),
  }
}
