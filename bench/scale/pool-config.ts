/**
 * The base config of one scale phase: the user's config with its Ethereum
 * nodes replaced by `eth-1..eth-N`, one per node of the fleet (reached
 * through the counting proxies), each with the limits of the config's first
 * Ethereum node, so the 1-node and the 3-node runs differ only in how many
 * nodes the pool holds. `prepareRun` then gives it the run's own topics,
 * group and port and limits the host to these nodes.
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { BenchFailed } from "../lib/bench-definition.ts"
import { type TomlTable, type TomlValue, tomlText } from "../lib/gateway-under-test.ts"

const isTable = (v: unknown): v is TomlTable => typeof v === "object" && v !== null && !Array.isArray(v)

/** The names the phase's nodes get, in fleet order. */
export const poolNodeNames = (count: number): ReadonlyArray<string> => Array.from({ length: count }, (_, i) => `eth-${i + 1}`)

/** `base` with its Ethereum `[[nodes]]` replaced by one entry per URL and the chain id set; the input is left untouched. */
export const poolConfig = (base: TomlTable, urls: ReadonlyArray<string>, chainId: number): TomlTable => {
  const nodes: ReadonlyArray<TomlValue> = Array.isArray(base.nodes) ? base.nodes : []
  const tables = nodes.filter(isTable)
  const template = tables.find((n) => n.chain === "ethereum")
  if (template === undefined) throw new BenchFailed({ reason: "the base config has no Ethereum node to copy limits from; add one to [[nodes]] (see config/local.toml)" })
  const names = poolNodeNames(urls.length)
  const chains = isTable(base.chains) ? base.chains : {}
  const ethereum = isTable(chains.ethereum) ? chains.ethereum : {}
  return {
    ...base,
    chains: { ...chains, ethereum: { ...ethereum, chain_id: chainId } },
    nodes: [...tables.filter((n) => n.chain !== "ethereum"), ...urls.map((url, i) => ({ ...template, name: names[i] ?? "", url }))],
  }
}

/** Writes the phase's base config into `dir` and returns its path. */
export const writePoolConfig = async (basePath: string, urls: ReadonlyArray<string>, chainId: number, dir: string): Promise<string> => {
  const file = Bun.file(basePath)
  if (!(await file.exists())) throw new BenchFailed({ reason: `config file ${basePath} not found; run from the repository folder or pass --config FILE` })
  const parsed: unknown = Bun.TOML.parse(await file.text())
  if (!isTable(parsed)) throw new BenchFailed({ reason: `${basePath} is not a TOML table` })
  const path = join(dir, `pool-${urls.length}.toml`)
  writeFileSync(path, tomlText(poolConfig(parsed, urls, chainId)))
  return path
}
