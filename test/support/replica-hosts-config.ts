/**
 * Configs for tests that run several compiled gateways as replicas of one service on
 * this machine: the shipped local config, cut down to replica + registry-watcher hosts,
 * each on its own replica listen, with a short lease so a SIGKILLed leader is replaced
 * within a few seconds.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { repoRoot } from "./gateway-process.ts"

/** A port nobody listens on right now. */
export const freePort = (): number => {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data: () => undefined } })
  const port = server.port
  server.stop(true)
  return port
}

/**
 * config/local.toml with one `[[hosts]]` per name (replica listen on `ports[i]`), serving
 * `serviceId`; `fromBlock` sets `[registry].from_block` (the registry's deployment block).
 */
export const replicaHostsConfig = (serviceId: string, hosts: readonly string[], ports: readonly number[], fromBlock = 0): string => {
  let text = readFileSync(join(repoRoot, "config/local.toml"), "utf8")
  const set = (from: RegExp, to: string) => {
    if (!from.test(text)) throw new Error(`test fixture: ${from} is not in local.toml`)
    text = text.replace(from, to)
  }
  set(/lease_ttl_s = \d+/, "lease_ttl_s = 2")
  set(/step_down_after_ms = \d+/, "step_down_after_ms = 1400")
  set(/service_id = "[^"]*"/, `service_id = "${serviceId}"`)
  set(/poll_interval_ms = \d+/, "poll_interval_ms = 200")
  set(/from_block = \d+/, `from_block = ${fromBlock}`)
  text = text.slice(0, text.indexOf("[[hosts]]"))
  for (const [i, name] of hosts.entries()) {
    text += `[[hosts]]\nname = "${name}"\naddress = "127.0.0.1"\nroles = ["replica", "registry-watcher"]\nservices = []\nnodes = []\nreplica_listen = "127.0.0.1:${ports[i]}"\n\n`
  }
  return text
}
