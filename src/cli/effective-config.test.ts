import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { resolveConfig, type ResolvedConfig } from "../config/index.ts"
import { effectiveConfigLines, type Env } from "./effective-config.ts"

const root = `${import.meta.dir}/../..`
const FILES = ["config/minimal.toml", "config/local.toml", "config/paper.toml"]
const texts = new Map(await Promise.all(FILES.map(async (file) => [file, await Bun.file(`${root}/${file}`).text()] as const)))
const resolvedOf = (file: string): ResolvedConfig => Result.getOrThrow(resolveConfig(texts.get(file) ?? "", file))

/** The note after the value of the first line starting with `start`. */
const noteOf = (lines: ReadonlyArray<string>, start: string): string | undefined =>
  lines.find((line) => line.startsWith(start))?.split("  # ")[1]

describe("effectiveConfigLines", () => {
  test.each(FILES)("%s: the output is itself a config that reads back the same", (file) => {
    const resolved = resolvedOf(file)
    const text = effectiveConfigLines(file, resolved, {}).join("\n")
    const again = Result.getOrThrow(resolveConfig(text, "effective.toml"))
    expect(again.config).toEqual(resolved.config)
    expect([...again.defaulted]).toEqual([])
  })

  test.each(FILES)("%s: every value line says file or default", (file) => {
    const lines = effectiveConfigLines(file, resolvedOf(file), {})
    const values = lines.filter((line) => / = /.test(line) && !line.startsWith("#"))
    const sources = values.map((line) => line.split("  # ")[1]?.split(/[;,]/)[0])
    expect(sources.filter((source) => source !== "file" && source !== "default")).toEqual([])
    expect(sources.filter((source) => source === "default").length).toBe(resolvedOf(file).defaulted.size)
  })

  const envCases: ReadonlyArray<readonly [string, Env, string]> = [
    ["not set", {}, "file; env GATEWAY_BTC_PASSWORD is not set"],
    ["set but empty", { GATEWAY_BTC_PASSWORD: " " }, "file; env GATEWAY_BTC_PASSWORD is set but empty"],
    ["set", { GATEWAY_BTC_PASSWORD: "hunter2" }, "file; env GATEWAY_BTC_PASSWORD is set (value not shown)"],
  ]
  test.each(envCases)("a *_env key whose variable is %s", (_name, env, note) => {
    expect(noteOf(effectiveConfigLines("config/local.toml", resolvedOf("config/local.toml"), env), "password_env = ")).toBe(note)
  })

  test("never prints a variable's value", () => {
    const env: Env = {
      GATEWAY_API_KEYS: "secret-api-keys",
      GATEWAY_BTC_PASSWORD: "secret-btc-password",
      GATEWAY_BTC_WALLET_PASSPHRASE: "secret-passphrase",
      GATEWAY_ETH_KEYS: "secret-eth-keys",
      GATEWAY_REGISTRY_KEY: "secret-registry-key",
      GATEWAY_REGISTRY_ADDRESS: "0x5FbDB2315678afecb367f032c93F642f64180aa3",
    }
    const text = effectiveConfigLines("config/local.toml", resolvedOf("config/local.toml"), env).join("\n")
    expect(Object.values(env).filter((value) => value !== undefined && text.includes(value))).toEqual([])
    expect(noteOf(text.split("\n"), "contract_address = ")).toBe("file; overridden by env GATEWAY_REGISTRY_ADDRESS, which is set")
  })

  test("a default that only stands in says so", () => {
    const lines = effectiveConfigLines("config/minimal.toml", resolvedOf("config/minimal.toml"), {})
    expect([noteOf(lines, "endpoints = "), noteOf(lines, "rpc_url = "), noteOf(lines, "lease_ttl_s = ")]).toEqual([
      "default, a stand-in: no host runs the replica role",
      "default, a stand-in: no host runs the registry-watcher role",
      "default",
    ])
  })
})
