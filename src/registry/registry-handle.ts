/**
 * A deployed ServiceRegistry as the client functions see it: which node to ask, the
 * contract's address, and how long a write waits. Plain data, so the registry-watcher,
 * the dashboard and the CLI each build one from `[registry]` without sharing state.
 */
import type { EthereumNode } from "../adapters/ethereum.ts"

/** One deployed registry, reached through one node. */
export interface Registry {
  readonly node: EthereumNode
  /** The contract address, lower-cased. */
  readonly address: string
  /** Blocks, counting the one holding it, before a write counts as done (`[registry].confirmations`). */
  readonly confirmations: number
  /** How long a write waits for those confirmations before failing with TransactionNotMined. */
  readonly timeoutMs: number
}

/** How long a write waits by default: a few of the paper's 10-15 s blocks. */
export const DEFAULT_WRITE_TIMEOUT_MS = 60_000

/** The registry at `address`, with the write settings of `[registry]`. */
export const registryAt = (node: EthereumNode, address: string, confirmations: number, timeoutMs: number = DEFAULT_WRITE_TIMEOUT_MS): Registry => ({
  node,
  address: address.toLowerCase(),
  confirmations,
  timeoutMs,
})
