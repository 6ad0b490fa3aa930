/**
 * Blockchain node endpoints (`[[nodes]]`) and the per-chain settings
 * (`[chains.*]`). Each node gets its own node-throttler, so its limits here
 * are the promise "a node never sees more than its configured in-flight calls".
 */
import { CHAINS } from "./chain.ts"
import {
  Bool,
  EnvVarName,
  listOf,
  HttpUrlString,
  intAtLeast,
  NameString,
  NonEmptyString,
  oneOf,
  table,
} from "./field-schemas.ts"
import { Schema } from "effect"

/** One `[[nodes]]` entry: an RPC endpoint and the load it may be given. */
export const NodeConfigSchema = table("[[nodes]]", {
  name: NameString,
  chain: oneOf(CHAINS),
  url: HttpUrlString,
  user: Schema.optionalKey(NonEmptyString),
  password_env: Schema.optionalKey(EnvVarName),
  /** Bitcoin only: which wallet answers the RPC, since btcwallet and bitcoind differ in small ways. */
  wallet: Schema.optionalKey(oneOf(["btcwallet", "bitcoind"])),
  /** Bitcoin only: the variable holding the wallet passphrase, used to unlock a locked wallet. */
  wallet_passphrase_env: Schema.optionalKey(EnvVarName),
  max_in_flight: intAtLeast(1),
  max_rps: intAtLeast(1),
  adaptive: Bool,
  timeout_ms: intAtLeast(1),
  breaker_failures: intAtLeast(1),
  breaker_reset_ms: intAtLeast(1),
})

/** Typed `[[nodes]]` entry. `user`/`password_env` are required for bitcoin nodes (checked across fields). */
export type NodeConfig = typeof NodeConfigSchema.Type

/** `[chains.bitcoin]`: the wallet account transfers are sent from and the confirmations it counts. */
export const BitcoinChainSchema = table("[chains.bitcoin]", {
  account: NonEmptyString,
  minconf: intAtLeast(0),
  confirmations: intAtLeast(1),
  /** Which network's addresses the intake accepts. */
  network: oneOf(["mainnet", "testnet", "regtest", "simnet"]),
  /** Fee rate of the transactions the gateway builds, in satoshis per virtual byte. */
  fee_rate_sat_vb: intAtLeast(1),
  /**
   * How many coins an account should hold: while it holds fewer, a transaction splits its
   * change to make up the difference. One coin pays at most 25 transactions a block
   * (Bitcoin Core's descendant limit); N coins pay 25·N.
   */
  change_fanout_coins: intAtLeast(1),
  /**
   * How many of an account's transactions pay their change to one address before the
   * wallet is asked for a fresh one. 1 keeps every change address fresh; more links those
   * transactions by address (a batching account's transactions are already linked, each
   * spending the last one's change) and spares the wallet a call it answers slowly while
   * it files the transaction just sent.
   */
  change_address_uses: intAtLeast(1),
  /** Accounts whose payouts are paid together, many outputs to one transaction (payroll, airdrops). */
  batch_accounts: listOf(NonEmptyString, "account names"),
  /** Most payouts in one batched transaction. */
  batch_max_outputs: intAtLeast(1),
  /** How long a batch waits, from its oldest payout's acceptance, for more payouts to arrive. */
  batch_linger_ms: intAtLeast(0),
  /** A transaction the wallet still does not know this many seconds after its broadcast is sent again. */
  rebroadcast_after_s: intAtLeast(1),
  /** Confirmed transactions are watched for reorgs until they are this many blocks deep. */
  reorg_window_blocks: intAtLeast(1),
})

/** `[chains.ethereum]`: which chain signed transactions are for and where the signing keys come from. */
export const EthereumChainSchema = table("[chains.ethereum]", {
  chain_id: intAtLeast(1),
  confirmations: intAtLeast(0),
  keystore_env: EnvVarName,
  /** Nonces of one sender signed and not yet mined; a run signs at most this many (geth keeps 16 per account). */
  max_in_flight_per_sender: intAtLeast(1),
  /** The fee cap, in gwei: no signed version ever offers more per gas. */
  max_fee_gwei: intAtLeast(1),
  /** Most priority fee offered, in gwei, whatever the node suggests. */
  max_tip_gwei: intAtLeast(0),
  /** A replacement raises both fees by at least this many percent (geth needs 10). */
  bump_percent: intAtLeast(1),
  /** A transaction not mined this many seconds after its broadcast is signed again with higher fees. */
  bump_after_s: intAtLeast(1),
  /** A transaction the node forgot this many seconds after its broadcast is sent again. */
  rebroadcast_after_s: intAtLeast(1),
  /** Confirmed transactions are watched for reorgs until they are this many blocks deep. */
  reorg_window_blocks: intAtLeast(1),
})

/** `[chains]`: both chains are configured even if no node uses one, since the registry is on Ethereum. */
export const ChainsConfigSchema = table("[chains]", {
  bitcoin: BitcoinChainSchema,
  ethereum: EthereumChainSchema,
})

/** Typed `[chains]` section. */
export type ChainsConfig = typeof ChainsConfigSchema.Type
