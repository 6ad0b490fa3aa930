/**
 * The lanes of one partition executor, built from the config: the Ethereum lane with
 * its own sender book over the host's signers and fee markets, and the Bitcoin lane
 * over the host's wallet node. (A chain with no node on this host gets no lane; its
 * requests go to the DLQ saying so.)
 */
import { signersFromKeyList, type EthereumSigner } from "../../adapters/ethereum.ts"
import type { HostContext } from "../../host/host-context.ts"
import type { ChainName } from "../../domain/request.ts"
import type { Lane, DeadLetterFor } from "../../execution/lane.ts"
import type { ChainNodes, Recorder, RecordCache } from "../../execution/ports.ts"
import type { BitcoinSettings } from "../../execution/bitcoin/bitcoin-context.ts"
import { makeBitcoinLane } from "../../execution/bitcoin/bitcoin-lane.ts"
import { makeBitcoinChainWatch, type BitcoinChainWatch } from "../../execution/bitcoin/bitcoin-chain-watch.ts"
import { makeFeeMarkets, type EthereumSettings } from "../../execution/ethereum/ethereum-context.ts"
import { makeEthereumLane } from "../../execution/ethereum/ethereum-lane.ts"
import { makeChainFollower, type ChainFollower } from "../../execution/ethereum/chain-follower.ts"
import { batchingSends } from "../../execution/ethereum/send-batches.ts"
import { makeSenderBook } from "../../execution/ethereum/sender-book.ts"
import type { Logger } from "../../observability/log.ts"

const gwei = 1_000_000_000n

/** What every partition of a host shares: keys, fee markets, settings. */
export interface HostChains {
  readonly nodes: ChainNodes
  /** `nodes` for the Ethereum lanes: concurrent sends of the host's senders share a batch. */
  readonly ethereumNodes: ChainNodes
  readonly chains: ReadonlySet<ChainName>
  readonly signers: ReadonlyMap<string, EthereumSigner>
  readonly ethereum: EthereumSettings
  readonly bitcoin: BitcoinSettings | undefined
  readonly market: ReturnType<typeof makeFeeMarkets>
  /** The host's one reader of each Ethereum node's blocks; the actor runs it. */
  readonly follower: ChainFollower
  /** The host's one reader of the Bitcoin wallet node's blocks; the actor runs it. */
  readonly bitcoinWatch: BitcoinChainWatch
}

/**
 * Reads the host's chain settings; throws `BadSigningKey` for a malformed key list (a config
 * error, at start). `onSendBatch` hears of each batch of raw transactions the Ethereum lanes send.
 */
export const hostChains = (ctx: HostContext, nodes: ChainNodes, onSendBatch?: (node: string, sends: number) => void): HostChains => {
  const eth = ctx.config.chains.ethereum
  const btc = ctx.config.chains.bitcoin
  const chains = new Set(ctx.config.nodes.filter((n) => ctx.host.nodes.includes(n.name)).map((n) => n.chain))
  const wallet = ctx.config.nodes.find((n) => n.chain === "bitcoin" && ctx.host.nodes.includes(n.name))
  return {
    nodes,
    ethereumNodes: batchingSends(nodes, onSendBatch === undefined ? {} : { onBatch: onSendBatch }),
    chains,
    signers: signersFromKeyList(ctx.env[eth.keystore_env] ?? ""),
    market: makeFeeMarkets(nodes),
    follower: makeChainFollower(nodes, eth.reorg_window_blocks, ctx.log.forActor("partition-consumer")),
    bitcoinWatch: makeBitcoinChainWatch(nodes),
    ethereum: {
      chainId: eth.chain_id,
      maxInFlightPerSender: eth.max_in_flight_per_sender,
      fees: { feeCap: BigInt(eth.max_fee_gwei) * gwei, tipCap: BigInt(eth.max_tip_gwei) * gwei, bumpPercent: eth.bump_percent },
      confirmations: Math.max(1, eth.confirmations),
      bumpAfterMs: eth.bump_after_s * 1000,
      rebroadcastAfterMs: eth.rebroadcast_after_s * 1000,
      reorgWindowBlocks: eth.reorg_window_blocks,
    },
    bitcoin: wallet === undefined ? undefined : {
      walletKind: wallet.wallet ?? "btcwallet",
      node: wallet.name,
      passphrase: wallet.wallet_passphrase_env === undefined ? undefined : ctx.env[wallet.wallet_passphrase_env],
      network: btc.network,
      feeRateSatPerVbyte: btc.fee_rate_sat_vb,
      changeFanoutCoins: btc.change_fanout_coins,
      changeAddressUses: btc.change_address_uses,
      confirmations: btc.confirmations,
      batchAccounts: new Set(btc.batch_accounts),
      batchMaxOutputs: btc.batch_max_outputs,
      batchLingerMs: btc.batch_linger_ms,
      rebroadcastAfterMs: btc.rebroadcast_after_s * 1000,
      reorgWindowBlocks: btc.reorg_window_blocks,
    },
  }
}

/** The lanes of partition `partition`. */
export const partitionLanes = (host: HostChains, partition: number, recorder: Recorder, records: RecordCache, deadLetter: DeadLetterFor, log: Logger): Map<ChainName, Lane> => {
  const lanes = new Map<ChainName, Lane>()
  if (host.chains.has("ethereum")) {
    lanes.set("ethereum", makeEthereumLane({
      partition, nodes: host.ethereumNodes, recorder, records, signers: host.signers, settings: host.ethereum,
      book: makeSenderBook(), market: host.market, log, now: Date.now,
    }, host.follower, deadLetter))
  }
  if (host.chains.has("bitcoin") && host.bitcoin !== undefined) {
    lanes.set("bitcoin", makeBitcoinLane({ partition, nodes: host.nodes, recorder, records, settings: host.bitcoin, accounts: new Map(), log, now: Date.now }, host.bitcoinWatch, deadLetter))
  }
  return lanes
}
