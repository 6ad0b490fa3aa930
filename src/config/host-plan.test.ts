import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { actorLabel, hostPlan } from "./host-plan.ts"
import { summarizeHostKinds } from "./host-kind.ts"
import { loadConfig } from "./load-config.ts"
import type { Role } from "./role.ts"

const root = `${import.meta.dir}/../..`
const paper = Result.getOrThrow(await loadConfig(`${root}/config/paper.toml`))
const local = Result.getOrThrow(await loadConfig(`${root}/config/local.toml`))

const planOf = (host: string, roles?: ReadonlyArray<Role>) => Result.getOrThrow(hostPlan(paper, host, roles))

describe("hostPlan of paper.toml", () => {
  const cases: ReadonlyArray<{
    readonly host: string
    readonly roles?: ReadonlyArray<Role>
    readonly expected: { readonly roles: ReadonlyArray<Role>; readonly actors: ReadonlyArray<string>; readonly services: ReadonlyArray<string> }
  }> = [
    {
      host: "broker-1",
      expected: {
        roles: ["consumer", "replica", "registry-watcher"],
        actors: ["partition-consumer-group", "notifier", "node-throttler(btc-1)", "replica", "replica-http", "registry-watcher"],
        services: ["kafka-broker", "zookeeper", "etcd"],
      },
    },
    { host: "producer-3", expected: { roles: ["producer"], actors: ["producer", "http-intake"], services: [] } },
    { host: "bitcoin-1", expected: { roles: [], actors: [], services: ["bitcoin-node"] } },
    {
      host: "broker-2",
      roles: ["consumer"],
      expected: { roles: ["consumer"], actors: ["partition-consumer-group", "notifier", "node-throttler(btc-1)"], services: ["kafka-broker", "zookeeper", "etcd"] },
    },
    {
      host: "broker-2",
      roles: ["registry-watcher", "replica", "replica"],
      expected: { roles: ["replica", "registry-watcher"], actors: ["replica", "replica-http", "registry-watcher"], services: ["kafka-broker", "zookeeper", "etcd"] },
    },
  ]
  test.each(cases)("$host with roles $roles", ({ host, roles, expected }) => {
    const plan = planOf(host, roles)
    const received: unknown = { roles: plan.roles, actors: plan.actors.map(actorLabel), services: plan.services }
    expect(received).toEqual(expected)
    expect(plan.rolesOverridden).toBe(roles !== undefined)
  })

  test("gives 3 broker/consumer hosts, 5 producer hosts and 1 bitcoin node host", () => {
    const plans = paper.hosts.map((h) => planOf(h.name))
    expect(summarizeHostKinds(plans)).toBe("3 broker/consumer hosts, 5 producer hosts, 1 bitcoin node host")
  })

  test("an unknown host fails with the nearest name and the list", () => {
    const result = hostPlan(paper, "brokr-1")
    expect(Result.isFailure(result) ? [result.failure.problem, result.failure.message] : []).toEqual([
      "unknown-host",
      'no host named "brokr-1"; did you mean broker-1? hosts: broker-1, broker-2, broker-3, producer-1, producer-2, producer-3, producer-4, producer-5, bitcoin-1',
    ])
  })

  test("the consumer role on a host without nodes fails instead of starting idle", () => {
    const result = hostPlan(paper, "producer-1", ["consumer"])
    expect(Result.isFailure(result) ? result.failure.problem : "planned").toBe("no-nodes")
  })
})

describe("hostPlan of local.toml", () => {
  test("one host starts every actor, one node-throttler per node", () => {
    const plan = Result.getOrThrow(hostPlan(local, "local"))
    expect(plan.actors).toEqual([
      { kind: "producer", role: "producer" },
      { kind: "http-intake", role: "producer", listen: "127.0.0.1:8080" },
      { kind: "partition-consumer-group", role: "consumer", groupId: "gateway-consumers" },
      { kind: "notifier", role: "consumer", groupId: "gateway-consumers.notifier" },
      { kind: "node-throttler", role: "consumer", node: "btc-1", chain: "bitcoin" },
      { kind: "node-throttler", role: "consumer", node: "eth-1", chain: "ethereum" },
      { kind: "replica", role: "replica", serviceId: "registry-dashboard" },
      { kind: "replica-http", role: "replica", listen: "127.0.0.1:8090" },
      { kind: "registry-watcher", role: "registry-watcher" },
    ])
  })

  test("with [webhooks].enabled = false a consumer host runs no notifier", () => {
    const quiet = { ...local, webhooks: { ...local.webhooks, enabled: false } }
    const plan = Result.getOrThrow(hostPlan(quiet, "local", ["consumer"]))
    expect(plan.actors.map(actorLabel)).toEqual(["partition-consumer-group", "node-throttler(btc-1)", "node-throttler(eth-1)"])
  })
})
