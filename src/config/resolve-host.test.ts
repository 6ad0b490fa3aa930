import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { loadConfig } from "./load-config.ts"
import { resolveHostName } from "./resolve-host.ts"

const root = `${import.meta.dir}/../..`
const paper = Result.getOrThrow(await loadConfig(`${root}/config/paper.toml`))
const local = Result.getOrThrow(await loadConfig(`${root}/config/local.toml`))

const outcome = (result: Result.Result<string, { readonly message: string }>): string =>
  Result.isSuccess(result) ? result.success : `error: ${result.failure.message}`

describe("resolveHostName", () => {
  const cases = [
    { name: "the only host when --host is absent", config: local, requested: undefined, machine: "laptop", expected: "local" },
    { name: "--host wins", config: paper, requested: "producer-2", machine: "broker-1", expected: "producer-2" },
    { name: "the host named like this machine", config: paper, requested: undefined, machine: "broker-3", expected: "broker-3" },
    { name: "the short form of a dotted hostname", config: paper, requested: undefined, machine: "broker-3.lab.example", expected: "broker-3" },
    {
      name: "an error listing hosts when nothing matches",
      config: paper,
      requested: undefined,
      machine: "laptop",
      expected:
        "error: this machine (laptop) matches none of the 9 hosts; pass --host NAME with one of: broker-1, broker-2, broker-3, producer-1, producer-2, producer-3, producer-4, producer-5, bitcoin-1",
    },
    {
      name: "an unknown --host, with a suggestion",
      config: local,
      requested: "locl",
      machine: "laptop",
      expected: 'error: no host named "locl"; did you mean local? hosts: local',
    },
  ]
  test.each(cases)("$name", ({ config, requested, machine, expected }) => {
    expect(outcome(resolveHostName(config, requested, machine))).toBe(expected)
  })
})
