import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { loadConfig } from "../../src/config/index.ts"
import type { TomlTable } from "../lib/gateway-under-test.ts"
import { labPlan } from "../lab/lab-plan.ts"
import { labIntakes, labWallet, nodeThrough } from "./lab-layout.ts"

const PAPER = `${import.meta.dir}/../../config/paper.toml`

const paper = async () => {
  const loaded = await loadConfig(PAPER)
  if (Result.isFailure(loaded)) throw new Error("config/paper.toml does not load")
  return loaded.success
}

describe("the lab as the bench reaches it", () => {
  test("paper.toml: five intakes at the producer hosts' addresses, in order", async () => {
    const intakes = labIntakes(labPlan(await paper(), "config/paper.toml", "/tmp/x"))
    expect(intakes).toEqual([1, 2, 3, 4, 5].map((i) => ({ host: `producer-${i}`, url: `http://10.77.0.4${i}:8080` })))
  })

  test("the wallet is the [[nodes]] URL (the relay on bitcoin-1) with the lab's password", async () => {
    expect(labWallet(await paper(), "pw", "config/paper.toml")).toEqual({ name: "btc-1", url: "http://10.77.0.21:8332", user: "gateway", password: "pw", timeoutMs: 10_000 })
  })

  test("the gateways' copy differs only in that node's URL", () => {
    const layout: TomlTable = { kafka: { brokers: ["10.77.0.11:9092"] }, nodes: [{ name: "btc-1", chain: "bitcoin", url: "http://10.77.0.21:8332" }, { name: "eth-1", chain: "ethereum", url: "http://10.77.0.30:8545" }] }
    expect(nodeThrough(layout, "btc-1", "http://10.77.0.1:40123")).toEqual({
      kafka: { brokers: ["10.77.0.11:9092"] },
      nodes: [{ name: "btc-1", chain: "bitcoin", url: "http://10.77.0.1:40123" }, { name: "eth-1", chain: "ethereum", url: "http://10.77.0.30:8545" }],
    })
    expect(() => nodeThrough(layout, "btc-9", "x")).toThrow("no [[nodes]] entry named btc-9")
  })
})
