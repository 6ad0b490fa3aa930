/**
 * `bun bench/lab/tcp-forward.ts LISTEN TARGET`: relays every TCP connection accepted on
 * LISTEN (host:port) to TARGET (host:port). The lab runs it inside the Bitcoin host's
 * namespace because btcwallet refuses to serve RPC without TLS on any address but
 * loopback; the relay puts the wallet at the host's address, where the config's
 * `[[nodes]]` URL names it, as a real machine would with TLS or a proxy in front.
 */
import type { Socket } from "bun"

const split = (hostPort: string): { readonly hostname: string; readonly port: number } => {
  const at = hostPort.lastIndexOf(":")
  return { hostname: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)) }
}

/** One side of a relayed connection: the socket on the other side, and what still waits to be written to it. */
interface Side {
  peer?: Socket<Side>
  /** Bytes for the peer that it has not taken yet (not connected, or its buffer was full). */
  queued: Array<Uint8Array>
  /** This side closed: end the peer once it has taken everything queued for it. */
  ending?: boolean
}

/** Writes what is queued for `side`'s peer; a partial write keeps the rest for the peer's drain. */
const flush = (side: Side): void => {
  const peer = side.peer
  if (peer === undefined) return
  while (side.queued.length > 0) {
    const chunk = side.queued[0] as Uint8Array
    const written = peer.write(chunk)
    if (written < chunk.length) {
      side.queued[0] = chunk.subarray(Math.max(written, 0))
      return
    }
    side.queued.shift()
  }
  if (side.ending === true) peer.end()
}

/**
 * This side closed: its peer is ended once it has what is queued for it. Ending it at once
 * cut the tail off a large answer (a wallet's listtransactions) still waiting for the
 * client's buffer, which the client saw as a reset connection.
 */
const closeSide = (side: Side): void => {
  side.ending = true
  flush(side)
}

/** Queues `data` (copied: Bun reuses the buffer) for `side`'s peer and writes what it takes. */
const relay = (side: Side, data: Uint8Array): void => {
  side.queued.push(new Uint8Array(data))
  flush(side)
}

const [listenArg, targetArg] = process.argv.slice(2)
if (listenArg === undefined || targetArg === undefined) {
  console.error("usage: bun bench/lab/tcp-forward.ts LISTEN_HOST:PORT TARGET_HOST:PORT")
  process.exit(2)
}
const target = split(targetArg)

Bun.listen<Side>({
  ...split(listenArg),
  socket: {
    open: (client) => {
      client.data = { queued: [] }
      const closeClient = () => {
        client.end()
      }
      Bun.connect<Side>({
        ...target,
        socket: {
          open: (upstream) => {
            upstream.data = { peer: client, queued: [] }
            client.data.peer = upstream
            flush(client.data)
          },
          data: (upstream, data) => relay(upstream.data, data),
          // The peer's buffer has room again: write what waits for it.
          drain: () => flush(client.data),
          close: (upstream) => closeSide(upstream.data),
          error: (upstream) => closeSide(upstream.data),
          connectError: closeClient,
        },
      }).catch(closeClient)
    },
    data: (client, data) => relay(client.data, data),
    drain: (client) => {
      const upstream = client.data.peer
      if (upstream !== undefined) flush(upstream.data)
    },
    close: (client) => closeSide(client.data),
    error: (client) => closeSide(client.data),
  },
})
console.error(`tcp-forward: ${listenArg} -> ${targetArg}`)
