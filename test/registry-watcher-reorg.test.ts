/**
 * The registry-watcher's follower on a real anvil, through a reorg. A private anvil is
 * started here (a revert on the shared node would undo other suites' transactions), a
 * registry deployed on it, and the follower run in-process with 2 confirmations: a
 * NewLocation and a Claim are first seen unconfirmed, then confirmed one block later;
 * after `evm_revert` drops their blocks and new blocks are mined, both are retracted
 * (marked removed in the feed, counted in gateway_registry_events_retracted_total), and
 * a location written again on the new chain is delivered as a new item.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test"
import { join } from "node:path"
import type { Subprocess } from "bun"
import { Effect, Fiber } from "effect"
import { accountFromKey, closeEthereumNode, type EthereumAccount, ethereumCall, makeEthereumNode } from "../src/adapters/ethereum.ts"
import { followLoop } from "../src/actors/registry-watcher/follow-loop.ts"
import { registryWatcherMetrics } from "../src/actors/registry-watcher/events.ts"
import { type FeedItem, makeRegistryFeed } from "../src/actors/registry-watcher/registry-feed.ts"
import { makeLogger } from "../src/observability/log.ts"
import { makeMetrics } from "../src/observability/metrics.ts"
import { DEFAULT_CLAIM_BOUND, deployRegistry, register, type Registry, sendClaim, updateLocation } from "../src/registry/index.ts"
import { repoRoot } from "./support/gateway-process.ts"

setDefaultTimeout(60_000)

/** anvil's dev key #0 (its published test mnemonic); this anvil is private to the test. */
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
const SERVICE = "reorg-drill"

const freePort = (): number => {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data: () => undefined } })
  const port = server.port
  server.stop(true)
  return port
}

const waitFor = async <A>(what: string, probe: () => A | undefined, timeoutMs = 10_000): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const v = probe()
    if (v !== undefined) return v
    await Bun.sleep(50)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

describe("registry-watcher follower on a private anvil", () => {
  let anvil: Subprocess | undefined
  let node: ReturnType<typeof makeEthereumNode>
  let registry: Registry
  let account: EthereumAccount

  const rpc = (method: string, params: readonly unknown[] = []) => Effect.runPromise(ethereumCall(node, method, params))
  const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runPromise(e)

  beforeAll(async () => {
    const port = freePort()
    anvil = Bun.spawn([join(repoRoot, "node_modules", ".bin", "anvil"), "--port", String(port), "--silent"], { stdout: "ignore", stderr: "ignore" })
    node = makeEthereumNode({ name: "private-anvil", url: `http://127.0.0.1:${port}`, chainId: 31337, pollingIntervalMs: 50 })
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline) {
      const up = await Effect.runPromise(Effect.result(ethereumCall(node, "eth_chainId")))
      if (up._tag === "Success") break
      await Bun.sleep(100)
    }
    const a = accountFromKey(node, DEV_KEY)
    if (a === undefined) throw new Error("dev key rejected")
    account = a
    // Writes wait for 1 block; the follower waits for 2.
    registry = (await run(deployRegistry(account, DEFAULT_CLAIM_BOUND, { confirmations: 1, timeoutMs: 20_000 }))).registry
  })

  afterAll(async () => {
    if (node) await Effect.runPromise(closeEthereumNode(node))
    anvil?.kill("SIGTERM")
    await anvil?.exited
  })

  test("events are confirmed after 2 blocks, retracted when a reorg drops them, and re-mined ones are new items", async () => {
    const feed = makeRegistryFeed()
    const registryMetrics = makeMetrics()
    const fiber = Effect.runFork(followLoop({
      registry,
      feed,
      log: makeLogger("test", { write: () => undefined }),
      metrics: registryWatcherMetrics(registryMetrics),
      settings: { confirmations: 2, reorgDepth: 12 },
      pollEveryMs: 50,
      startBlock: 0,
    }))
    try {
      const find = (p: (i: FeedItem) => boolean) => () => feed.recent().find(p)
      const snapshot = String(await rpc("evm_snapshot"))
      await run(register(registry, account, SERVICE, "http://10.0.0.1:8090", "drill"))
      const moved = await run(updateLocation(registry, account, SERVICE, "http://10.0.0.2:8090", 5n))
      const claimed = await run(sendClaim(registry, account, SERVICE, "http://10.0.0.2:8090"))

      // The claim's block is the head: seen, not yet confirmed.
      const seen = await waitFor("the claim, unconfirmed", find((i) => i.txHash === claimed.hash))
      expect(seen).toMatchObject({ kind: "claim", confirmed: false, removed: false, location: "http://10.0.0.2:8090", claimant: account.address })
      await rpc("evm_mine")
      await waitFor("the claim confirmed", find((i) => i.txHash === claimed.hash && i.confirmed))
      const location = await waitFor("the location change confirmed", find((i) => i.txHash === moved.hash && i.confirmed))
      expect(location).toMatchObject({ kind: "location", serviceId: SERVICE, epoch: 5, blockNumber: moved.blockNumber })

      // Reorg: drop every block since the snapshot, then mine past them.
      expect(await rpc("evm_revert", [snapshot])).toBe(true)
      for (let i = 0; i < 4; i++) await rpc("evm_mine")
      await waitFor("the location change retracted", find((i) => i.txHash === moved.hash && i.removed))
      await waitFor("the claim retracted", find((i) => i.txHash === claimed.hash && i.removed))
      const text = registryMetrics.render()
      expect(text).toContain('gateway_registry_events_retracted_total{event="NewLocation"} 2')
      expect(text).toContain('gateway_registry_events_retracted_total{event="Claim"} 1')
      expect(text).toContain(`gateway_registry_claims_total{service="${SERVICE}"} 1`)

      // The new chain: the same writes again are new logs, delivered as new items.
      await run(register(registry, account, SERVICE, "http://10.0.0.1:8090", "drill"))
      const again = await run(updateLocation(registry, account, SERVICE, "http://10.0.0.3:8090", 6n))
      await rpc("evm_mine")
      const fresh = await waitFor("the re-mined location confirmed", find((i) => i.txHash === again.hash && i.confirmed))
      expect(fresh).toMatchObject({ removed: false, epoch: 6, location: "http://10.0.0.3:8090" })
      expect(feed.recent().filter((i) => i.removed).length).toBe(3)
    } finally {
      await Effect.runPromise(Fiber.interrupt(fiber))
    }
  })
})
