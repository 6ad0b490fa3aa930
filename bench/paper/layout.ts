/**
 * Paper A's Table 1 on one machine: config/paper.toml's hosts (3 consumer
 * hosts, 5 producer hosts), pointed at the local stack instead of the lab
 * network: the local brokers and etcd members, and the one Bitcoin node
 * reached through the counting proxy with the local wallet's credentials.
 * `prepareRun` then gives the run its own topics and group; each producer
 * gets a copy of that config that differs only in its intake port, since
 * five intakes on one machine cannot share one.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import type { GatewayConfig } from "../../src/config/gateway-config.ts"
import { BenchFailed } from "../lib/bench-definition.ts"
import { type GatewayRun, type TomlTable, type TomlValue, tomlText } from "../lib/gateway-under-test.ts"
import { freeLoopbackPort } from "../lib/free-port.ts"

const isTable = (v: unknown): v is TomlTable => typeof v === "object" && v !== null && !Array.isArray(v)

const table = (t: TomlTable, key: string): TomlTable => {
  const v = t[key]
  if (!isTable(v)) throw new BenchFailed({ reason: `the layout config has no [${key}] table; pass --config with a gateway config laid out like config/paper.toml` })
  return v
}

/** What the local stack contributes to the layout. */
export interface LocalStack {
  readonly brokers: ReadonlyArray<string>
  readonly etcd: ReadonlyArray<string>
  readonly registryRpcUrl: string
  /** The Bitcoin node as the local config reaches it, with `url` replaced by the proxy's. */
  readonly bitcoin: { readonly url: string; readonly user?: string; readonly password_env?: string; readonly wallet?: string; readonly wallet_passphrase_env?: string }
}

/** What the local config says about the stack, with the wallet reached at `bitcoinUrl`. */
export const localStackOf = (local: GatewayConfig, bitcoinUrl: string): LocalStack => {
  const btc = local.nodes.find((n) => n.chain === "bitcoin")
  if (btc === undefined) throw new BenchFailed({ reason: "the local config has no Bitcoin node; pass --local with a config whose [[nodes]] include the wallet (see config/local.toml)" })
  return {
    brokers: local.kafka.brokers,
    etcd: local.etcd.endpoints,
    registryRpcUrl: local.registry.rpc_url,
    bitcoin: {
      url: bitcoinUrl,
      ...(btc.user === undefined ? {} : { user: btc.user }),
      ...(btc.password_env === undefined ? {} : { password_env: btc.password_env }),
      ...(btc.wallet === undefined ? {} : { wallet: btc.wallet }),
      ...(btc.wallet_passphrase_env === undefined ? {} : { wallet_passphrase_env: btc.wallet_passphrase_env }),
    },
  }
}

/** The layout config pointed at the local stack; its hosts, roles and limits are kept. The input is left untouched. */
export const localLayout = (layout: TomlTable, stack: LocalStack): TomlTable => {
  const nodes: ReadonlyArray<TomlValue> = Array.isArray(layout.nodes) ? layout.nodes : []
  const tables = nodes.filter(isTable)
  if (!tables.some((n) => n.chain === "bitcoin")) throw new BenchFailed({ reason: "the layout config has no Bitcoin node; paper A's layout has one (see config/paper.toml)" })
  return {
    ...layout,
    kafka: { ...table(layout, "kafka"), brokers: [...stack.brokers] },
    etcd: { ...table(layout, "etcd"), endpoints: [...stack.etcd] },
    registry: { ...table(layout, "registry"), rpc_url: stack.registryRpcUrl },
    nodes: tables.map((n) => (n.chain === "bitcoin" ? { ...n, ...stack.bitcoin } : n)),
  }
}

/** Writes the local layout into `dir` and returns its path. */
export const writeLocalLayout = async (layoutPath: string, stack: LocalStack, dir: string): Promise<string> => {
  const file = Bun.file(layoutPath)
  if (!(await file.exists())) throw new BenchFailed({ reason: `config file ${layoutPath} not found; run from the repository folder or pass --config FILE` })
  const parsed: unknown = Bun.TOML.parse(await file.text())
  if (!isTable(parsed)) throw new BenchFailed({ reason: `${layoutPath} is not a TOML table` })
  const path = join(dir, "paper-local.toml")
  writeFileSync(path, tomlText(localLayout(parsed, stack)))
  return path
}

/** The hosts of the layout that run `role`, in file order. */
export const hostsWithRole = (config: GatewayConfig, role: string): ReadonlyArray<string> =>
  config.hosts.filter((h) => (h.roles as ReadonlyArray<string>).includes(role)).map((h) => h.name)

/**
 * The run as host `host`, with its own intake port: a copy of the run's
 * config file that differs only in `[intake].listen`.
 */
export const runAsProducer = async (run: GatewayRun, host: string, index: number): Promise<GatewayRun> => {
  const port = await freeLoopbackPort()
  const parsed: unknown = Bun.TOML.parse(await Bun.file(run.configPath).text())
  if (!isTable(parsed)) throw new BenchFailed({ reason: `${run.configPath} is not a TOML table` })
  const configPath = join(run.dir, `gateway-${host}-${index}.toml`)
  writeFileSync(configPath, tomlText({ ...parsed, intake: { ...table(parsed, "intake"), listen: `127.0.0.1:${port}` } }))
  return { ...run, configPath, host, intakeUrl: `http://127.0.0.1:${port}` }
}
