import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { parseConfig } from "./parse-config.ts"

const FILE = "config/minimal.toml"
const minimal = await Bun.file(`${import.meta.dir}/../../config/minimal.toml`).text()

const linesOf = (text: string): ReadonlyArray<string> => {
  const result = parseConfig(text, FILE)
  return Result.isFailure(result) ? result.failure.lines() : []
}

const withRoles = (roles: string, add = ""): string =>
  `${minimal.replace('roles = ["producer", "consumer"]', `roles = ${roles}`)}\n${add}\n`

const etcd = '[etcd]\nendpoints = ["http://10.0.0.1:2379"]'
const registry = '[registry]\nrpc_url = "http://10.0.0.1:8545"'

describe("a key whose default is a stand-in", () => {
  const cases: ReadonlyArray<{ readonly name: string; readonly text: string; readonly lines: ReadonlyArray<string> }> = [
    { name: "no host needs it: the tables may be left out", text: withRoles('["producer", "consumer"]'), lines: [] },
    {
      name: "a replica needs [etcd].endpoints",
      text: withRoles('["producer", "consumer", "replica"]'),
      lines: [
        `${FILE}: etcd.endpoints: expected the etcd cluster's client URLs (e.g. ["http://10.0.0.1:2379"]), because host local runs the replica role; found nothing (the key is missing)`,
      ],
    },
    { name: "a replica with [etcd].endpoints set", text: withRoles('["consumer", "replica"]', etcd), lines: [] },
    {
      name: "a registry-watcher needs [registry].rpc_url",
      text: withRoles('["consumer", "replica", "registry-watcher"]', etcd),
      lines: [
        `${FILE}: registry.rpc_url: expected the JSON-RPC URL of the chain the ServiceRegistry is on, because host local runs the registry-watcher role; found nothing (the key is missing)`,
      ],
    },
    { name: "every role, every needed key set", text: withRoles('["producer", "consumer", "replica", "registry-watcher"]', `${etcd}\n${registry}`), lines: [] },
    {
      name: "several hosts are named at once",
      text: `${withRoles('["consumer", "replica"]')}\n[[hosts]]\nname = "other"\naddress = "10.0.0.2"\nroles = ["replica"]\n`,
      lines: [
        `${FILE}: etcd.endpoints: expected the etcd cluster's client URLs (e.g. ["http://10.0.0.1:2379"]), because hosts local, other run the replica role; found nothing (the key is missing)`,
      ],
    },
  ]
  test.each(cases)("$name", ({ text, lines }) => {
    expect(linesOf(text)).toEqual(lines)
  })
})
