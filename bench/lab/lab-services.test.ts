import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { loadConfig } from "../../src/config/index.ts"
import { labPlan, type PlannedHost } from "./lab-plan.ts"
import { join } from "node:path"
import { bunFor, kafkaProperties, walletRelayArgv, zooCfg } from "./lab-services.ts"

const paperPlan = async () => {
  const loaded = await loadConfig(`${import.meta.dir}/../../config/paper.toml`)
  if (Result.isFailure(loaded)) throw new Error("config/paper.toml does not load")
  return labPlan(loaded.success, "config/paper.toml", "/tmp/x")
}

const hostNamed = (hosts: ReadonlyArray<PlannedHost>, name: string): PlannedHost => {
  const h = hosts.find((x) => x.name === name)
  if (h === undefined) throw new Error(`no host ${name}`)
  return h
}

describe("lab services of paper.toml", () => {
  test("each ZooKeeper server listens on its host's address and knows the whole ensemble", async () => {
    const plan = await paperPlan()
    const cfg = zooCfg(plan, hostNamed(plan.hosts, "broker-2"), "/d").split("\n")
    expect(cfg).toContain("clientPortAddress=10.77.0.12")
    expect(cfg.filter((l) => l.startsWith("server."))).toEqual(["server.1=10.77.0.11:2888:3888", "server.2=10.77.0.12:2888:3888", "server.3=10.77.0.13:2888:3888"])
  })

  test("each broker has its id, listens on its host's address and uses the ensemble", async () => {
    const plan = await paperPlan()
    const props = kafkaProperties(plan, hostNamed(plan.hosts, "broker-3"), "/d", 3).split("\n")
    expect(props).toContain("broker.id=3")
    expect(props).toContain("listeners=PLAINTEXT://10.77.0.13:9092")
    expect(props).toContain("zookeeper.connect=10.77.0.11:2181,10.77.0.12:2181,10.77.0.13:2181")
    expect(props).toContain("min.insync.replicas=2")
    expect(() => kafkaProperties(plan, hostNamed(plan.hosts, "producer-1"), "/d", 3)).toThrow("producer-1 carries no Kafka broker")
  })

  test("the wallet relay serves the [[nodes]] URL's address and port from the namespace's loopback", async () => {
    const plan = await paperPlan()
    expect(walletRelayArgv("/repo", hostNamed(plan.hosts, "bitcoin-1")).slice(1)).toEqual(["/repo/bench/lab/tcp-forward.ts", "10.77.0.21:8332", "127.0.0.1:18554"])
  })

  test("the relay runs under bun: this process's when it is bun, else the checkout's", () => {
    expect(bunFor("/repo", "/usr/local/bin/bun")).toBe("/usr/local/bin/bun")
    expect(bunFor("/nowhere", "/work/main/dist/gateway")).toBe("bun")
    expect(bunFor(join(import.meta.dir, "..", ".."), "/work/main/dist/gateway")).toBe(join(import.meta.dir, "..", "..", "node_modules", ".bin", "bun"))
  })
})
