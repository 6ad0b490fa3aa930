import { describe, expect, test } from "bun:test"
import { join } from "node:path"
import { Result } from "effect"
import { loadConfig } from "../../src/config/load-config.ts"
import { parseConfig } from "../../src/config/parse-config.ts"
import { deriveConfig, type TomlTable, tomlText } from "../lib/gateway-under-test.ts"
import { hostsWithRole, localLayout, localStackOf } from "./layout.ts"

const root = join(import.meta.dir, "..", "..")
const paper = Bun.TOML.parse(await Bun.file(join(root, "config", "paper.toml")).text()) as TomlTable
const loaded = await loadConfig(join(root, "config", "local.toml"))
if (Result.isFailure(loaded)) throw new Error("config/local.toml does not load")
const local = loaded.success

describe("paper A's layout on the local stack", () => {
  const stack = localStackOf(local, "http://127.0.0.1:45000")
  const out = localLayout(paper, stack)

  test("brokers, etcd and the wallet come from the local config; the wallet through the proxy", () => {
    expect((out.kafka as TomlTable).brokers).toEqual([...local.kafka.brokers])
    expect((out.etcd as TomlTable).endpoints).toEqual([...local.etcd.endpoints])
    const btc = (out.nodes as ReadonlyArray<TomlTable>).find((n) => n.chain === "bitcoin")
    const localBtc = local.nodes.find((n) => n.chain === "bitcoin")
    expect(btc?.url).toBe("http://127.0.0.1:45000")
    expect(btc?.wallet).toBe(localBtc?.wallet ?? "missing")
    expect(btc?.password_env).toBe(localBtc?.password_env ?? "missing")
    expect(btc?.max_in_flight).toBe(1)
  })

  test("the hosts and roles of Table 1 are kept, and a run derived from it passes gateway config check", () => {
    const names = { prefix: "bench-paper-t", requests: "bench-paper-t.sendto", results: "bench-paper-t.results", dlq: "bench-paper-t.dlq" }
    const checked = parseConfig(tomlText(deriveConfig(out, { names, listen: "127.0.0.1:1", host: "broker-1" })), "paper-local.toml")
    if (Result.isFailure(checked)) throw new Error(checked.failure.lines().join("; "))
    expect(hostsWithRole(checked.success, "consumer")).toEqual(["broker-1", "broker-2", "broker-3"])
    expect(hostsWithRole(checked.success, "producer")).toEqual(["producer-1", "producer-2", "producer-3", "producer-4", "producer-5"])
  })
})
