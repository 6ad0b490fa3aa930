/**
 * Free loopback ports for the private services a scenario starts (etcd members, btcd,
 * btcwallet), chosen below Linux's ephemeral range (32768 and up) so an outgoing
 * connection of this very process cannot take one between the check and the bind.
 */
import { createServer } from "node:net"

/** True if nothing listens on `port` (we could bind it just now). */
const isFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer()
    s.once("error", () => resolve(false))
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)))
  })

/** `count` distinct free ports in 20000..31999. */
export const freePorts = async (count: number): Promise<number[]> => {
  const ports: number[] = []
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (!ports.includes(port) && (await isFree(port))) ports.push(port)
  }
  return ports
}
