import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { parseConfig } from "../../src/config/parse-config.ts"
import { labLayout } from "./lab-layout.ts"
import { replicaConfigToml } from "./replica-config.ts"

describe("replicaConfigToml", () => {
  test("is a valid gateway config with one replica host per lab node, each on its own address", () => {
    const layout = labLayout(9, 6)
    const text = replicaConfigToml({
      layout,
      serviceId: "failover-bench",
      rpcUrl: "http://10.77.9.100:8545",
      registryAddress: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      chainId: 31337,
      leaseTtlS: 3,
      stepDownAfterMs: 2000,
      snapshotEvery: 1000,
      confirmations: 1,
      pollIntervalMs: 500,
    })
    const parsed = parseConfig(text, "failover.toml")
    if (Result.isFailure(parsed)) throw new Error(JSON.stringify(parsed.failure))
    const config = parsed.success
    expect(config.hosts.map((h) => [h.name, h.address, h.replica_listen])).toEqual(
      layout.nodes.map((n) => [n.name, n.address, `${n.address}:8090`]),
    )
    expect(config.etcd.endpoints).toEqual(["http://127.0.0.1:2379"])
    expect(config.registry.contract_address).toBe("0x5fbdb2315678afecb367f032d93f642f64180aa3")
    expect(config.registry.manager_key_env).toBe("GATEWAY_REGISTRY_KEY")
  })
})
