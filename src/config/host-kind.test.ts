import { describe, expect, test } from "bun:test"
import { hostKind, summarizeHostKinds } from "./host-kind.ts"
import type { HostPlan } from "./host-plan.ts"
import type { Role } from "./role.ts"
import type { Service } from "./service.ts"

const plan = (roles: ReadonlyArray<Role>, services: ReadonlyArray<Service>): HostPlan => ({
  host: "h",
  address: "10.0.0.1",
  roles,
  rolesOverridden: false,
  actors: [],
  services,
  nodes: [],
})

describe("hostKind", () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<Role>, ReadonlyArray<Service>, string]> = [
    [["consumer", "replica", "registry-watcher"], ["kafka-broker", "zookeeper", "etcd"], "broker/consumer"],
    [["producer"], [], "producer"],
    [[], ["bitcoin-node"], "bitcoin node"],
    [[], ["ethereum-node"], "ethereum node"],
    [["producer", "consumer", "replica", "registry-watcher"], ["kafka-broker", "etcd"], "broker/consumer/producer"],
    [["replica"], ["etcd"], "replica"],
    [[], ["etcd"], "etcd"],
    [[], [], "idle"],
  ]
  test.each(cases)("roles %p services %p -> %p", (roles, services, expected) => {
    expect(hostKind(plan(roles, services))).toBe(expected)
  })
})

describe("summarizeHostKinds", () => {
  test("counts kinds in first-seen order with plurals", () => {
    const plans = [plan(["producer"], []), plan([], ["bitcoin-node"]), plan(["producer"], [])]
    expect(summarizeHostKinds(plans)).toBe("2 producer hosts, 1 bitcoin node host")
  })
})
