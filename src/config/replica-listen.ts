/**
 * Where a host's replica serves the sample service, and the location it publishes (in
 * the etcd leader value and in the ServiceRegistry). A `[[hosts]]` entry may override
 * `[replica].listen` with its own `replica_listen`, so several replicas fit on one
 * machine (tests, benches); a wildcard listen is published under the host's address,
 * since clients cannot dial 0.0.0.0.
 */
import type { GatewayConfig } from "./gateway-config.ts"
import type { HostConfig } from "./host-config.ts"

/** The host:port this host's replica listens on. */
export const replicaListenOf = (config: Pick<GatewayConfig, "replica">, host: Pick<HostConfig, "replica_listen">): string =>
  host.replica_listen ?? config.replica.listen

/** The URL clients reach this host's replica at, e.g. `http://127.0.0.1:8090`. */
export const replicaLocationOf = (config: Pick<GatewayConfig, "replica">, host: Pick<HostConfig, "replica_listen" | "address">): string => {
  const listen = replicaListenOf(config, host)
  const at = listen.lastIndexOf(":")
  const name = listen.slice(0, at)
  const wildcard = name === "0.0.0.0" || name === "[::]" || name === ""
  return `http://${wildcard ? host.address : name}:${listen.slice(at + 1)}`
}
