import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { type GatewayConfig, loadConfig } from "../../src/config/index.ts"
import { labPlan, servicesOf } from "./lab-plan.ts"

const PAPER = `${import.meta.dir}/../../config/paper.toml`

const paper = async (): Promise<GatewayConfig> => {
  const loaded = await loadConfig(PAPER)
  if (Result.isFailure(loaded)) throw new Error("config/paper.toml does not load")
  return loaded.success
}

describe("labPlan", () => {
  test("paper.toml: nine hosts and the registry's chain on 10.77.0.0/24, each with its services", async () => {
    const plan = labPlan(await paper(), "config/paper.toml", "/tmp/x")
    expect(plan.runDir).toBe("/tmp/x/paper")
    expect(plan.network.bridge).toBe("gwl0br")
    expect(plan.network.bridgeAddress).toBe("10.77.0.1")
    expect(plan.hosts.map((h) => [h.name, h.netns, h.address, servicesOf(h).join(" "), h.readyzUrl ?? "-"])).toEqual([
      ["broker-1", "gwl0-broker-1", "10.77.0.11", "zookeeper kafka etcd", "http://10.77.0.11:8090/readyz"],
      ["broker-2", "gwl0-broker-2", "10.77.0.12", "zookeeper kafka etcd", "http://10.77.0.12:8090/readyz"],
      ["broker-3", "gwl0-broker-3", "10.77.0.13", "zookeeper kafka etcd", "http://10.77.0.13:8090/readyz"],
      ["producer-1", "gwl0-producer-1", "10.77.0.41", "", "http://10.77.0.41:8080/readyz"],
      ["producer-2", "gwl0-producer-2", "10.77.0.42", "", "http://10.77.0.42:8080/readyz"],
      ["producer-3", "gwl0-producer-3", "10.77.0.43", "", "http://10.77.0.43:8080/readyz"],
      ["producer-4", "gwl0-producer-4", "10.77.0.44", "", "http://10.77.0.44:8080/readyz"],
      ["producer-5", "gwl0-producer-5", "10.77.0.45", "", "http://10.77.0.45:8080/readyz"],
      ["bitcoin-1", "gwl0-bitcoin-1", "10.77.0.21", "btcd btcwallet btc-miner rpc-relay", "-"],
      ["chain-30", "gwl0-chain-30", "10.77.0.30", "anvil-8545", "-"],
    ])
    expect(plan.hosts.map((h) => h.hostVeth)).toEqual(Array.from({ length: 10 }, (_, i) => `gwl0h${i}`))
    expect(plan.hosts.find((h) => h.name === "bitcoin-1")?.bitcoinWalletPort).toBe(8332)
    expect(plan.hosts.find((h) => h.name === "chain-30")?.anvils).toEqual([{ port: 8545, registry: true, url: "http://10.77.0.30:8545" }])
    expect(plan.hosts.filter((h) => h.kafka !== undefined).map((h) => h.kafka)).toEqual([1, 2, 3].map((brokerId) => ({ brokerId, port: 9092 })))
    expect(plan.zookeeperConnect).toBe("10.77.0.11:2181,10.77.0.12:2181,10.77.0.13:2181")
  })

  test("refuses the failover lab's subnets and hosts off the bridge's /24", async () => {
    const config = await paper()
    const moved = (address: string, i: number) => ({ ...config, hosts: config.hosts.map((h, j) => (j === i ? { ...h, address } : h)) })
    expect(() => labPlan(moved("10.77.5.11", 0), "p.toml")).toThrow("which the failover lab uses")
    expect(() => labPlan(moved("10.77.3.41", 3), "p.toml")).toThrow("host producer-1 is at 10.77.3.41, outside 10.77.0.0/24")
  })

  test("a broker the config lists must be a host that carries kafka-broker", async () => {
    const config = await paper()
    const bad = { ...config, kafka: { ...config.kafka, brokers: [...config.kafka.brokers, "10.77.0.14:9092"] } }
    expect(() => labPlan(bad, "p.toml")).toThrow("[kafka].brokers names 10.77.0.14:9092, but no host at 10.77.0.14 carries kafka-broker")
  })
})
