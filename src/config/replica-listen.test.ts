import { describe, expect, test } from "bun:test"
import { replicaListenOf, replicaLocationOf } from "./replica-listen.ts"

const config = { replica: { service_id: "s", snapshot_every: 1, listen: "0.0.0.0:8090" } }

describe("replica listen and location", () => {
  const rows: ReadonlyArray<{ readonly name: string; readonly host: { readonly address: string; readonly replica_listen?: string }; readonly listen: string; readonly location: string }> = [
    { name: "falls back to [replica].listen; a wildcard is published under the host's address", host: { address: "10.77.0.11" }, listen: "0.0.0.0:8090", location: "http://10.77.0.11:8090" },
    { name: "a per-host override wins", host: { address: "127.0.0.1", replica_listen: "127.0.0.1:8092" }, listen: "127.0.0.1:8092", location: "http://127.0.0.1:8092" },
    { name: "an IPv6 wildcard is published under the host's address", host: { address: "10.0.0.5", replica_listen: "[::]:9000" }, listen: "[::]:9000", location: "http://10.0.0.5:9000" },
    { name: "an IPv6 address stays bracketed", host: { address: "x", replica_listen: "[::1]:9001" }, listen: "[::1]:9001", location: "http://[::1]:9001" },
  ]
  test.each(rows)("$name", ({ host, listen, location }) => {
    expect(replicaListenOf(config, host)).toBe(listen)
    expect(replicaLocationOf(config, host)).toBe(location)
  })
})
