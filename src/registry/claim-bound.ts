/**
 * How many claims the registry accepts, fixed at deployment (constructor arguments, so
 * tests and chains with other block times can choose their own). A claim must also name
 * the service's current location; see `sendClaim` in contracts/ServiceRegistry.sol.
 */

/** The deployment's claim limits. */
export interface ClaimBound {
  /** Blocks one claimant waits between two claims on the same service. */
  readonly intervalBlocks: number
  /** Claims one service accepts per block, from all claimants together. */
  readonly maxPerBlock: number
}

/**
 * The default: one claim per claimant per service every 10 blocks (two minutes on the
 * paper's 12 s blocks, long enough for a new leader to be elected and announced), and at
 * most 4 claims per service per block, so whatever the number of accounts an attacker
 * funds, a manager reads at most 4 Claim events per block for its service. One honest
 * claim is enough to raise the alarm; the rest only corroborate it.
 */
export const DEFAULT_CLAIM_BOUND: ClaimBound = { intervalBlocks: 10, maxPerBlock: 4 }

/**
 * Largest values the client deploys with. The cap is the contract's uint32; the interval
 * (a uint64 on chain) is held to 2^32-1 blocks, centuries at any block time, so that a
 * block number plus the interval stays an exact JS number.
 */
export const CLAIM_BOUND_LIMITS = { intervalBlocks: 2 ** 32 - 1, maxPerBlock: 2 ** 32 - 1 } as const
