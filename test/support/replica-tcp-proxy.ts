/**
 * A TCP proxy in front of one etcd member, to cut a single in-process replica off the
 * network: `cut()` drops every connection and refuses new ones (as a pulled cable
 * does), `heal()` lets them through again. `stall()` keeps the connections open but
 * forwards nothing, so calls sent meanwhile hang until a cut drops them with their
 * connection. gRPC's HTTP/2 passes through untouched.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net"

/** A running proxy. */
export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: give this to the replica instead of the member's URL. */
  readonly url: string
  readonly cut: () => void
  readonly heal: () => void
  readonly stall: () => void
  /** How many client connections are passing through now. */
  readonly connections: () => number
  readonly close: () => Promise<void>
}

/** Starts a proxy to `targetPort` on a free loopback port. */
export const startTcpProxy = async (targetPort: number): Promise<TcpProxy> => {
  const open = new Set<Socket>()
  const pairs: [Socket, Socket][] = []
  let cut = false
  const server: Server = createServer((client) => {
    if (cut) return void client.destroy()
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort })
    open.add(client)
    open.add(upstream)
    const drop = () => {
      client.destroy()
      upstream.destroy()
      open.delete(client)
      open.delete(upstream)
    }
    client.on("error", drop).on("close", drop)
    upstream.on("error", drop).on("close", drop)
    client.pipe(upstream)
    upstream.pipe(client)
    pairs.push([client, upstream])
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      cut = true
      for (const s of open) s.destroy()
      open.clear()
      pairs.length = 0
    },
    heal: () => {
      cut = false
    },
    stall: () => {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream)
        upstream.unpipe(client)
        client.pause()
        upstream.pause()
      }
    },
    connections: () => pairs.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy()
        server.close(() => resolve())
      }),
  }
}
