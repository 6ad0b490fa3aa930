/**
 * A free TCP port on loopback, for a process the bench starts (an intake,
 * an anvil) that must be told its port on the command line or in a config.
 */
import { createServer } from "node:net"

/** Binds port 0, reads the port the kernel chose and closes again; the caller binds it next. */
export const freeLoopbackPort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer()
    server.once("error", fail)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => (port > 0 ? done(port) : fail(new Error("no free loopback port"))))
    })
  })
