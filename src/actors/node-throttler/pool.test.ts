import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import type { NodeConfig } from "../../config/node-config.ts"
import { NodeUnreachable } from "../../adapters/errors.ts"
import type { NodeClient } from "./node-client.ts"
import { homeNode, makeNodePool } from "./pool.ts"
import { makeThrottle } from "./throttle.ts"

const node = (name: string): NodeConfig => ({
  name, chain: "ethereum", url: "http://127.0.0.1:1", max_in_flight: 4, max_rps: 100_000, adaptive: false,
  timeout_ms: 1000, breaker_failures: 1, breaker_reset_ms: 60_000,
})
/** In-process fake node for a pure routing test: answers with its own name. */
const client = (name: string, fail = false): NodeClient => ({
  name, chain: "ethereum", probe: Effect.succeed(1), close: Effect.void,
  call: () => (fail ? Effect.fail(new NodeUnreachable({ node: name, method: "x", detail: "down" })) : Effect.succeed(name)),
  batch: (calls) => Effect.succeed(calls.map(() => ({ ok: true as const, result: name }))),
})

describe("node pool", () => {
  test("a sender always reaches its home node while it is healthy, and senders spread over nodes", async () => {
    const throttles = ["a", "b", "c"].map((n) => makeThrottle(node(n)))
    throttles.forEach((t) => t.attach(client(t.name)))
    const pool = makeNodePool(throttles)
    const senders = Array.from({ length: 60 }, (_, i) => `0x${i.toString(16).padStart(40, "0")}`)
    const used = new Set<string>()
    for (const s of senders) {
      const first = await Effect.runPromise(pool.callFor("ethereum", s, "eth_call"))
      const again = await Effect.runPromise(pool.callFor("ethereum", s, "eth_call"))
      expect(again.node).toBe(first.node)
      expect(first.node).toBe(homeNode(throttles, s)?.name ?? "")
      used.add(first.node)
    }
    expect(used.size).toBe(3)
  })

  test("when the home node's breaker is open, the call goes to another healthy node", async () => {
    const throttles = ["a", "b"].map((n) => makeThrottle(node(n)))
    const sender = ["s1", "s2", "s3", "s4"].find((s) => homeNode(throttles, s)?.name === "a") ?? ""
    throttles[0]?.attach(client("a", true))
    throttles[1]?.attach(client("b"))
    const pool = makeNodePool(throttles)
    await Effect.runPromise(Effect.exit(pool.callFor("ethereum", sender, "eth_call")))
    expect(throttles[0]?.healthy()).toBe(false)
    expect((await Effect.runPromise(pool.callFor("ethereum", sender, "eth_call"))).node).toBe("b")
  })
})
