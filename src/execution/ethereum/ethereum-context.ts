/**
 * What the Ethereum lane and its tracker share inside one partition executor: the
 * ports, the sender book, the settings, and the fee market per node (read at most once
 * a second). Both run as fibers of the executor; JavaScript runs one of them at a time,
 * so the book changes only between their awaits, and every change is made before the
 * next await.
 */
import { Duration, Effect } from "effect"
import type { EthereumSigner } from "../../adapters/ethereum.ts"
import type { Logger } from "../../observability/log.ts"
import { feeMarketTtl } from "../../runtime/schedules.ts"
import type { ChainNodes, NodeCallError, Recorder, RecordCache } from "../ports.ts"
import type { FeeMarket, FeeSettings } from "./fee-policy.ts"
import type { SenderBook } from "./sender-book.ts"

/** `[chains.ethereum]` settings the executor follows. */
export interface EthereumSettings {
  readonly chainId: number
  /** Most nonces of one sender signed and not yet mined (geth keeps 16 per account). */
  readonly maxInFlightPerSender: number
  readonly fees: FeeSettings
  /** Blocks on top of (and including) the one holding a transaction before it counts as confirmed. */
  readonly confirmations: number
  /** A transaction not mined this long after its broadcast is signed again with higher fees. */
  readonly bumpAfterMs: number
  /** A transaction the node no longer knows this long after its broadcast is sent again. */
  readonly rebroadcastAfterMs: number
  /** Confirmed transactions are watched for reorgs until they are this many blocks deep. */
  readonly reorgWindowBlocks: number
}

/** The shared state and ports of one partition's Ethereum work. */
export interface EthereumContext {
  readonly partition: number
  readonly nodes: ChainNodes
  readonly recorder: Recorder
  readonly records: RecordCache
  readonly signers: ReadonlyMap<string, EthereumSigner>
  readonly settings: EthereumSettings
  readonly book: SenderBook
  readonly market: (node: string) => Effect.Effect<FeeMarket, NodeCallError>
  readonly log: Logger
  readonly now: () => number
}

interface FeeHistory {
  /** Base fees of the blocks asked about, then of the next block (the one a new transaction goes into). */
  readonly baseFeePerGas?: readonly string[]
}

/** A fee market reader per node, each answer reused for `feeMarketTtl`: the next block's base fee (`eth_feeHistory`) and the suggested tip. */
export const makeFeeMarkets = (nodes: ChainNodes, now: () => number = Date.now) => {
  const cache = new Map<string, { readonly market: FeeMarket; readonly at: number }>()
  const ttl = Duration.toMillis(feeMarketTtl)
  return (node: string): Effect.Effect<FeeMarket, NodeCallError> => {
    const hit = cache.get(node)
    if (hit !== undefined && now() - hit.at < ttl) return Effect.succeed(hit.market)
    return Effect.gen(function* () {
      const history = (yield* nodes.callNode(node, "eth_feeHistory", [1, "latest", []])) as FeeHistory | null
      const tip = yield* nodes.callNode(node, "eth_maxPriorityFeePerGas", [])
      const market = { baseFee: BigInt(history?.baseFeePerGas?.at(-1) ?? "0"), suggestedTip: BigInt(String(tip)) }
      cache.set(node, { market, at: now() })
      return market
    })
  }
}
