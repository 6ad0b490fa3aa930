/**
 * The one module that binds a Hono app to a socket (Bun.serve). The app itself stays
 * socket-free so tests drive it with `app.request()`; this only listens, and stops
 * listening when the scope closes.
 */
import { Data, Effect, type Scope } from "effect"
import type { Hono } from "hono"
import { describe } from "./errors.ts"

/** The address could not be bound (in use, bad host, no permission). */
export class ListenFailed extends Data.TaggedError("ListenFailed")<{ readonly listen: string; readonly detail: string }> {
  override get message() {
    return `cannot listen on ${this.listen}: ${this.detail}; pick another [intake].listen or stop what holds the port`
  }
}

/** A listening server: its URL and how many requests are being answered right now. */
export interface Listening {
  readonly url: string
  readonly pendingRequests: () => number
}

/** Splits "host:port" into its parts; the port may be 0 for any free port. */
export const parseListen = (listen: string): { readonly hostname: string; readonly port: number } => {
  const at = listen.lastIndexOf(":")
  return { hostname: listen.slice(0, at).replace(/^\[|\]$/g, "") || "127.0.0.1", port: Number(listen.slice(at + 1)) }
}

/**
 * Serves `app` on `listen` until the scope closes. Closing stops accepting new
 * connections and lets the requests in flight finish (Bun's graceful stop).
 */
export const scopedHttpServer = (app: Hono, listen: string): Effect.Effect<Listening, ListenFailed, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.try({
      try: () => {
        const { hostname, port } = parseListen(listen)
        return Bun.serve({ hostname, port, fetch: app.fetch, idleTimeout: 30 })
      },
      catch: (cause) => new ListenFailed({ listen, detail: describe(cause) }),
    }),
    (server) => Effect.promise(() => server.stop(false)),
  ).pipe(Effect.map((server) => ({ url: server.url.toString().replace(/\/$/, ""), pendingRequests: () => server.pendingRequests })))
