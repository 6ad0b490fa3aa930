/**
 * An HTTP proxy that delivers every request to its target and then loses the answer:
 * the caller waits until its own timeout. It stands for the failure the request id is
 * there for: the leader applied the request, and the client never heard.
 */

/** A running proxy. */
export interface ReplyDroppingProxy {
  /** `http://127.0.0.1:<port>`: a location that reaches the target but never answers. */
  readonly url: string
  /** Requests the target answered (and whose answers were dropped). */
  readonly delivered: () => number
  readonly close: () => Promise<void>
}

/** Starts a proxy to `target` (an http:// base URL) on a free loopback port. */
export const startReplyDroppingProxy = (target: string): ReplyDroppingProxy => {
  let delivered = 0
  const held = new Set<() => void>()
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 120,
    fetch: async (request) => {
      const path = new URL(request.url).pathname
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.text()
      // The headers that say who asks and which request it is travel on; the rest stays behind.
      const headers: Record<string, string> = { "content-type": request.headers.get("content-type") ?? "application/json" }
      for (const name of ["authorization", "x-api-key", "idempotency-key"]) {
        const value = request.headers.get(name)
        if (value !== null) headers[name] = value
      }
      const answered = await fetch(`${target}${path}`, { method: request.method, headers, body, signal: AbortSignal.timeout(15_000) }).then(
        async (r) => (await r.text(), true),
        () => false,
      )
      if (answered) delivered++
      await new Promise<void>((resolve) => held.add(resolve))
      return new Response(null, { status: 504 })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    delivered: () => delivered,
    close: async () => {
      for (const release of held) release()
      held.clear()
      await server.stop(true)
    },
  }
}
