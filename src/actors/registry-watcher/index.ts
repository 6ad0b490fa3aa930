/**
 * registry-watcher: this host's link to the ServiceRegistry contract. It checks the node
 * serves the configured chain and that a registry is deployed at the configured address
 * (`[registry].contract_address`, or `GATEWAY_REGISTRY_ADDRESS` when set); with none, it
 * logs that and idles. Then it runs two loops: the location writer (when this host's
 * replica leads at a new epoch, write its location with that epoch, signed with the
 * manager key from `[registry].manager_key_env`) and the follower (NewLocation and Claim
 * events, after `[registry].confirmations`, retracted on reorg) that fills the
 * in-process `RegistryFeed` the dashboard reads.
 */
import { Data, Effect } from "effect"
import { accountFromKey, closeEthereumNode, ethereumCall, makeEthereumNode } from "../../adapters/ethereum.ts"
import type { HostContext } from "../../host/host-context.ts"
import { registryAddressOf, registryManagerKeyEnvOf } from "../../config/registry-address.ts"
import { replicaLocationOf } from "../../config/replica-listen.ts"
import { registryAt } from "../../registry/registry-handle.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import type { ReplicaHandle } from "../replica/index.ts"
import { registryWatcherEvents, registryWatcherMetrics } from "./events.ts"
import { followLoop } from "./follow-loop.ts"
import { locationWriter } from "./location-writer.ts"
import type { RegistryFeed } from "./registry-feed.ts"

export { type FeedItem, feedCapacity, makeRegistryFeed, type RegistryFeed } from "./registry-feed.ts"
export { registryWatcherEvents, registryWatcherMetrics } from "./events.ts"

/** The node serves another chain, or there is no contract at the configured address. */
export class RegistryMisconfigured extends Data.TaggedError("RegistryMisconfigured")<{ readonly detail: string }> {
  override get message() {
    return this.detail
  }
}

/** Blocks below the head rescanned on every poll, to notice reorgs of delivered events. */
export const reorgDepthBlocks = 12

/** How far back the first poll reads events (the feed shows recent history after a restart). */
export const historyBlocks = 10_000

/** How often the writer looks at the replica's role. */
const roleCheckMs = 100

/**
 * Builds the registry-watcher for this host. `replica` is the host's one replica handle
 * (absent on a host without the replica role: then it only follows); `feed` is where the
 * followed events go.
 */
export const registryWatcher = (ctx: HostContext, replica: Pick<ReplicaHandle<unknown>, "status" | "node"> | undefined, feed: RegistryFeed): ChildSpec => {
  const log = ctx.log.forActor("registry-watcher")
  const metrics = registryWatcherMetrics(ctx.metrics)
  const r = ctx.config.registry
  const chainId = ctx.config.chains.ethereum.chain_id
  const address = registryAddressOf(ctx.config, ctx.env)
  const keyEnv = registryManagerKeyEnvOf(ctx.config)
  const init = Effect.gen(function* () {
    const node = yield* Effect.acquireRelease(
      Effect.sync(() => makeEthereumNode({ name: "registry", url: r.rpc_url, chainId, pollingIntervalMs: r.poll_interval_ms })),
      closeEthereumNode,
    )
    const served = Number(yield* ethereumCall(node, "eth_chainId"))
    if (served !== chainId) {
      return yield* new RegistryMisconfigured({ detail: `${r.rpc_url} serves chain id ${served}, config [chains.ethereum].chain_id is ${chainId}` })
    }
    const block = Number(yield* ethereumCall(node, "eth_blockNumber"))
    if (address === "") {
      log.info(registryWatcherEvents.notDeployed, { rpc: r.rpc_url, chainId, block, contract: "(not deployed)", fix: "run 'gateway contracts deploy' and set [registry].contract_address (or GATEWAY_REGISTRY_ADDRESS)" })
      return Effect.never
    }
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
      return yield* new RegistryMisconfigured({ detail: `registry address ${JSON.stringify(address)} (from GATEWAY_REGISTRY_ADDRESS) is not a 0x address of 40 hex digits; fix or unset it` })
    }
    const code = yield* ethereumCall(node, "eth_getCode", [address, "latest"])
    if (code === "0x") {
      return yield* new RegistryMisconfigured({ detail: `no contract at ${address} on ${r.rpc_url}; run 'gateway contracts deploy' and set [registry].contract_address` })
    }
    const registry = registryAt(node, address, r.confirmations)
    log.info(registryWatcherEvents.connected, { rpc: r.rpc_url, chainId, block, contract: registry.address, service: ctx.config.replica.service_id })
    const follow = followLoop({
      registry, feed, log, metrics,
      settings: { confirmations: r.confirmations, reorgDepth: reorgDepthBlocks },
      pollEveryMs: r.poll_interval_ms,
      startBlock: Math.max(0, block - historyBlocks),
    })
    const key = ctx.env[keyEnv]?.trim() ?? ""
    const account = key === "" ? undefined : accountFromKey(node, key)
    if (replica === undefined) return follow
    if (account === undefined) {
      log.warn(registryWatcherEvents.noManagerKey, { variable: keyEnv, effect: "this host's leader will not write its location to the registry", fix: `set ${keyEnv} to a manager's 0x private key (64 hex digits)` })
      return follow
    }
    // The replica set clients may try when the location is silent: every replica host of the config (one alone adds nothing).
    const replicaHosts = ctx.config.hosts.filter((h) => h.roles.includes("replica"))
    const members = replicaHosts.length > 1 ? replicaHosts.map((h) => replicaLocationOf(ctx.config, h)) : []
    const write = yield* locationWriter({
      registry, account, serviceId: ctx.config.replica.service_id, location: replicaLocationOf(ctx.config, ctx.host),
      members, replica, log, metrics, checkEveryMs: roleCheckMs,
    })
    return Effect.asVoid(Effect.all([follow, write], { concurrency: "unbounded", discard: true }))
  })
  return { id: "registry-watcher", init, restart: "permanent", shutdownMs: 3_000 }
}
