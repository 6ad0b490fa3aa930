/**
 * registry-watcher: follows the ServiceRegistry contract on the Ethereum node. At this
 * stage it connects, checks the node serves the configured chain id, and, when a
 * contract address is configured, that code is deployed there; writing the leader's
 * location and following NewLocation/Claim build on this.
 */
import { Data, Effect } from "effect"
import { closeEthereumNode, ethereumCall, makeEthereumNode } from "../../adapters/ethereum.ts"
import type { HostContext } from "../../app/host-context.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"

/** The node serves another chain, or there is no contract at the configured address. */
export class RegistryMisconfigured extends Data.TaggedError("RegistryMisconfigured")<{ readonly detail: string }> {
  override get message() {
    return this.detail
  }
}

/** Event names this actor logs. */
export const registryWatcherEvents = { connected: "registry-watcher.connected" } as const

/** Builds the registry-watcher actor for this host. */
export const registryWatcher = (ctx: HostContext): ChildSpec => {
  const log = ctx.log.forActor("registry-watcher")
  const r = ctx.config.registry
  const chainId = ctx.config.chains.ethereum.chain_id
  const init = Effect.gen(function* () {
    const node = yield* Effect.acquireRelease(
      Effect.sync(() => makeEthereumNode({ name: "registry", url: r.rpc_url, chainId, pollingIntervalMs: r.poll_interval_ms })),
      closeEthereumNode,
    )
    const served = Number(yield* ethereumCall(node, "eth_chainId"))
    if (served !== chainId) {
      return yield* new RegistryMisconfigured({ detail: `${r.rpc_url} serves chain id ${served}, config [chains.ethereum].chain_id is ${chainId}` })
    }
    if (r.contract_address !== "") {
      const code = yield* ethereumCall(node, "eth_getCode", [r.contract_address, "latest"])
      if (code === "0x") {
        return yield* new RegistryMisconfigured({ detail: `no contract at ${r.contract_address} on ${r.rpc_url}; run 'gateway contracts deploy' and set [registry].contract_address` })
      }
    }
    const block = Number(yield* ethereumCall(node, "eth_blockNumber"))
    log.info(registryWatcherEvents.connected, { rpc: r.rpc_url, chainId, block, contract: r.contract_address || "(not deployed)" })
    return Effect.never
  })
  return { id: "registry-watcher", init, restart: "permanent", shutdownMs: 3_000 }
}
