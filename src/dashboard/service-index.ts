/**
 * Which services exist: the registry has no list function, so the dashboard learns ids
 * from ServiceRegistered events, scanning the blocks it has not scanned yet plus the last
 * few it has (a node may answer a block number before that block's logs are queryable,
 * and a shallow reorg may replace a block). An id
 * whose registration a reorg dropped stays in the index; reading its record then fails
 * with UnknownService, and the listing leaves it out.
 */
import { Effect, Semaphore } from "effect"
import { type EthereumRpcError, ethereumCall } from "../adapters/ethereum.ts"
import { type InvalidRegistryArgument, type Registry, registryEvents } from "../registry/index.ts"

/** Blocks below the last scanned head that every scan reads again. */
export const RESCAN_BLOCKS = 12

/** Registered ids, in registration order, kept up to date on demand. */
export interface ServiceIndex {
  /** Scans new blocks, then answers every id seen so far. */
  readonly ids: () => Effect.Effect<ReadonlyArray<string>, EthereumRpcError | InvalidRegistryArgument>
}

/** An index of `registry` from `fromBlock` (the deployment's block; 0 scans the whole chain). */
export const makeServiceIndex = (registry: Registry, fromBlock: number): ServiceIndex => {
  const ids: string[] = []
  const seen = new Set<string>()
  let next = fromBlock
  // One scan at a time: concurrent page loads share it rather than scan the same blocks twice.
  const scan = Semaphore.makeUnsafe(1)
  return {
    ids: () =>
      scan.withPermit(
        Effect.gen(function* () {
          const head = Number(yield* ethereumCall(registry.node, "eth_blockNumber"))
          if (head >= fromBlock) {
            const events = yield* registryEvents(registry, ["ServiceRegistered"], { fromBlock: Math.max(fromBlock, next - RESCAN_BLOCKS), toBlock: head })
            for (const e of events) {
              if (e.removed || seen.has(e.serviceId)) continue
              seen.add(e.serviceId)
              ids.push(e.serviceId)
            }
            next = head + 1
          }
          return [...ids]
        }),
      ),
  }
}
