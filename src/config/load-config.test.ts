import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { loadConfig } from "./load-config.ts"

const root = `${import.meta.dir}/../..`

describe("loadConfig", () => {
  test.each(["config/local.toml", "config/paper.toml"])("the shipped %s is valid", async (file) => {
    const result = await loadConfig(`${root}/${file}`)
    const lines = Result.isFailure(result) ? result.failure.lines() : []
    expect(lines).toEqual([])
  })

  test("local.toml has one host running every role", async () => {
    const config = Result.getOrThrow(await loadConfig(`${root}/config/local.toml`))
    expect(config.hosts.map((h) => [h.name, h.roles])).toEqual([["local", ["producer", "consumer", "replica", "registry-watcher"]]])
  })

  test("a missing file is a ConfigError that says what to pass instead", async () => {
    const result = await loadConfig("config/does-not-exist.toml")
    expect(Result.isFailure(result) && result.failure._tag).toBe("ConfigError")
    expect(Result.isFailure(result) ? result.failure.lines() : []).toEqual([
      "config/does-not-exist.toml: expected a config file (try --config config/local.toml or config/paper.toml); found no such file",
    ])
  })
})
