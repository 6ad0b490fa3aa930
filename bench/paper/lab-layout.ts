/**
 * Paper A's Table 1 on the multi-host lab (bench/lab/): where the bench, in the root
 * namespace, finds what the lab runs from the config alone. The producers' intakes are
 * their hosts' addresses at `[intake].listen`'s port (what lab.env's
 * GATEWAY_LAB_INTAKES lists); the wallet is the Bitcoin `[[nodes]]` URL (the relay on the
 * Bitcoin host) with the lab's password. The gateways themselves run a copy of the config
 * that differs only in that node's URL, which points at the counting proxy on the bridge.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import type { BitcoinEndpoint } from "../../src/adapters/bitcoin-rpc.ts"
import type { GatewayConfig } from "../../src/config/gateway-config.ts"
import { BenchFailed } from "../lib/bench-definition.ts"
import { type TomlTable, type TomlValue, tomlText } from "../lib/gateway-under-test.ts"
import type { LabPlan } from "../lab/lab-plan.ts"

/** One producer host's intake, as the root namespace reaches it across the bridge. */
export interface LabIntake {
  readonly host: string
  readonly url: string
}

/** The producer hosts' intakes, in the config's order. */
export const labIntakes = (plan: Pick<LabPlan, "hosts">): ReadonlyArray<LabIntake> =>
  plan.hosts.flatMap((h) => (h.roles.includes("producer") && h.readyzUrl !== undefined ? [{ host: h.name, url: h.readyzUrl.replace(/\/readyz$/, "") }] : []))

/** The config's first Bitcoin node as the bench reaches it: its URL and user, and the password the lab gave the wallet. */
export const labWallet = (config: GatewayConfig, password: string, configPath: string): BitcoinEndpoint => {
  const node = config.nodes.find((n) => n.chain === "bitcoin")
  if (node === undefined) throw new BenchFailed({ reason: `${configPath} has no Bitcoin node in [[nodes]]; paper A's layout has one (see config/paper.toml)` })
  return { name: node.name, url: node.url, user: node.user ?? "", password, timeoutMs: node.timeout_ms }
}

const isTable = (v: unknown): v is TomlTable => typeof v === "object" && v !== null && !Array.isArray(v)

/** `layout` with node `nodeName`'s URL replaced by `url`; everything else, hosts and limits included, is kept. */
export const nodeThrough = (layout: TomlTable, nodeName: string, url: string): TomlTable => {
  const nodes: ReadonlyArray<TomlValue> = Array.isArray(layout.nodes) ? layout.nodes : []
  if (!nodes.some((n) => isTable(n) && n.name === nodeName)) throw new BenchFailed({ reason: `the layout has no [[nodes]] entry named ${nodeName}` })
  return { ...layout, nodes: nodes.map((n) => (isTable(n) && n.name === nodeName ? { ...n, url } : n)) }
}

/** Writes the config the lab's gateways run (node `nodeName` reached at `url`) into `dir` and returns its path. */
export const writeLabLayout = async (configPath: string, nodeName: string, url: string, dir: string): Promise<string> => {
  const parsed: unknown = Bun.TOML.parse(await Bun.file(configPath).text())
  if (!isTable(parsed)) throw new BenchFailed({ reason: `${configPath} is not a TOML table` })
  const path = join(dir, "paper-lab.toml")
  writeFileSync(path, tomlText(nodeThrough(parsed, nodeName, url)))
  return path
}
