import { describe, expect, test } from "bun:test"
import { join } from "node:path"
import { Result } from "effect"
import { loadConfig } from "../config/load-config.ts"
import { nodesElsewhere } from "./operations-mount.ts"

const root = join(import.meta.dir, "..", "..")
const paper = Result.getOrThrow(await loadConfig(`${root}/config/paper.toml`))
const local = Result.getOrThrow(await loadConfig(`${root}/config/local.toml`))

describe("nodesElsewhere: the nodes a process's operations page cannot show", () => {
  test("paper A's producer hosts throttle no node: every node is elsewhere, with the consumer hosts that call it", () => {
    const elsewhere = nodesElsewhere(paper, new Set())
    expect(elsewhere.map((n) => n.name)).toEqual(paper.nodes.map((n) => n.name))
    expect(elsewhere.find((n) => n.name === "btc-1")).toMatchObject({ chain: "bitcoin", hosts: ["broker-1", "broker-2", "broker-3"] })
  })

  test("a local process with the consumer role throttles every node of its host: none is elsewhere", () => {
    expect(nodesElsewhere(local, new Set(local.nodes.map((n) => n.name)))).toEqual([])
  })

  test("a producer-only process on the local config names its own host as the one that calls them", () => {
    expect(nodesElsewhere(local, new Set()).map((n) => [n.name, n.hosts])).toEqual(local.nodes.map((n) => [n.name, ["local"]]))
  })
})
