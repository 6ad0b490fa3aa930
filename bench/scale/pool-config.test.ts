import { describe, expect, test } from "bun:test"
import { join } from "node:path"
import { Result } from "effect"
import { parseConfig } from "../../src/config/parse-config.ts"
import { deriveConfig, type TomlTable, tomlText } from "../lib/gateway-under-test.ts"
import { poolConfig, poolNodeNames } from "./pool-config.ts"

const local = Bun.TOML.parse(await Bun.file(join(import.meta.dir, "..", "..", "config", "local.toml")).text()) as TomlTable
const urls = ["http://127.0.0.1:40001", "http://127.0.0.1:40002", "http://127.0.0.1:40003"]

describe("poolConfig", () => {
  test("replaces the Ethereum nodes by eth-1..eth-N with the first one's limits, keeps the rest", () => {
    const out = poolConfig(local, urls, 31337)
    const nodes = out.nodes as ReadonlyArray<TomlTable>
    expect(nodes.map((n) => n.name)).toEqual(["btc-1", ...poolNodeNames(3)])
    const eth = nodes.filter((n) => n.chain === "ethereum")
    expect(eth.map((n) => n.url)).toEqual(urls)
    const template = (local.nodes as ReadonlyArray<TomlTable>).find((n) => n.chain === "ethereum")
    for (const n of eth) expect(n.max_in_flight).toBe(template?.max_in_flight ?? -1)
    expect((local.nodes as ReadonlyArray<TomlTable>).map((n) => n.name)).toEqual(["btc-1", "eth-1"])
  })

  test("a run derived from it for the whole pool passes gateway config check", () => {
    const pool = poolConfig(local, urls, 31337)
    const names = { prefix: "bench-scale-t", requests: "bench-scale-t.sendto", results: "bench-scale-t.results", dlq: "bench-scale-t.dlq" }
    const derived = deriveConfig(pool, { names, listen: "127.0.0.1:1", host: "local", hostNodes: poolNodeNames(3) })
    const checked = parseConfig(tomlText(derived), "pool.toml")
    expect(Result.isSuccess(checked)).toBe(true)
  })

  test("a config without an Ethereum node is refused with advice", () => {
    expect(() => poolConfig({ ...local, nodes: [] }, urls, 1)).toThrow(/no Ethereum node/)
  })
})
