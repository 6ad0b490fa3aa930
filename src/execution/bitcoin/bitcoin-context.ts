/**
 * What the Bitcoin lane and its tracker share inside one partition executor: the ports,
 * the settings, and one book per wallet account (its coins and its transactions not yet
 * final). Requests of one account share a Kafka key, so one executor owns an account's
 * coins at a time: no other executor can pick the same coin.
 */
import { Effect, Result } from "effect"
import type { WalletKind } from "../../adapters/bitcoin/wallet-step.ts"
import type { WalletStep } from "../../adapters/bitcoin/wallet-step.ts"
import type { RefusalKind } from "../../adapters/node-errors.ts"
import type { BitcoinNetwork } from "../../intake/validate/bitcoin-network.ts"
import type { Logger } from "../../observability/log.ts"
import type { ChainNodes, NodeCallError, Recorder, RecordCache } from "../ports.ts"
import { UtxoBook } from "./utxo-book.ts"

/** `[chains.bitcoin]` settings the executor follows. */
export interface BitcoinSettings {
  readonly walletKind: WalletKind
  /** The wallet node's name (the pool's node). */
  readonly node: string
  /** The wallet passphrase, to unlock a locked wallet; undefined when none is configured. */
  readonly passphrase: string | undefined
  readonly network: BitcoinNetwork
  readonly feeRateSatPerVbyte: number
  /** Coins an account should hold: below that, a transaction splits its change (coin-selection.ts, `fanoutCoins`). */
  readonly changeFanoutCoins: number
  /** Transactions of an account that pay their change to one address before the wallet is asked for a fresh one. */
  readonly changeAddressUses: number
  readonly confirmations: number
  /** Accounts whose payouts are paid together, many outputs to a transaction. */
  readonly batchAccounts: ReadonlySet<string>
  readonly batchMaxOutputs: number
  readonly batchLingerMs: number
  /** Unmined transactions the node has not seen this long after their broadcast are sent again. */
  readonly rebroadcastAfterMs: number
  /** Confirmed transactions are watched for reorgs until this deep. */
  readonly reorgWindowBlocks: number
}

/** A transaction the lane built and recorded, followed until final. */
export interface PendingTx {
  readonly txid: string
  readonly raw: string
  readonly account: string
  /** The requests it pays, with the output that pays each. */
  readonly members: readonly { readonly id: string; readonly vout: number }[]
  /** The txids of the transactions whose outputs it spends (its inputs' txids, each once). */
  readonly parents: readonly string[]
  /** True once its records are committed: nothing sends it before. */
  recorded: boolean
  /** Epoch ms of its last accepted broadcast. */
  sentAt: number | undefined
  /** Epoch ms of its last broadcast attempt. */
  triedAt: number | undefined
  /**
   * Why the node refused its last broadcast, when a block may yet settle it: an input
   * spent by another transaction (pooled, then mined) or a fee under the node's floor.
   * The tracker then asks whether a block spent one of its coins.
   */
  refusedAs?: RefusalKind
  /** Where it was mined: the block's hash and height. */
  mined: { readonly blockHash: string; readonly height: number } | undefined
  /** The last status recorded for its members. */
  reported: string
}

/** One account's coins and transactions. */
export interface AccountState {
  readonly book: UtxoBook
  /** False until the wallet's coins of the account were listed. */
  loaded: boolean
  /** Epoch ms of the last listing: a shortfall lists again, at most once a second. */
  loadedAt: number
  readonly pending: Map<string, PendingTx>
  /** The change script the account's transactions pay to, and how many more may use it (`changeAddressUses`). */
  change: { readonly script: string; left: number } | undefined
}

/** The account's state in `ctx`, made empty (coins not listed yet) the first time. */
export const accountStateOf = (ctx: BitcoinContext, account: string): AccountState => {
  let state = ctx.accounts.get(account)
  if (state === undefined) {
    state = { book: new UtxoBook(), loaded: false, loadedAt: 0, pending: new Map(), change: undefined }
    ctx.accounts.set(account, state)
  }
  return state
}

/** The shared state and ports of one partition's Bitcoin work. */
export interface BitcoinContext {
  readonly partition: number
  readonly nodes: ChainNodes
  readonly recorder: Recorder
  readonly records: RecordCache
  readonly settings: BitcoinSettings
  readonly accounts: Map<string, AccountState>
  readonly log: Logger
  readonly now: () => number
}

/** Runs one wallet step through the node's throttler. */
export const walletStep = <A, E>(ctx: BitcoinContext, step: WalletStep<A, E>): Effect.Effect<A, NodeCallError | E> =>
  ctx.nodes.callNode(ctx.settings.node, step.call.method, step.call.params).pipe(
    Effect.flatMap((result): Effect.Effect<A, NodeCallError | E> => {
      const parsed = step.parse(result)
      return Result.isSuccess(parsed) ? Effect.succeed(parsed.success) : Effect.fail(parsed.failure)
    }),
    Effect.catch((error): Effect.Effect<A, NodeCallError | E> => {
      const answer = typeof error === "object" && error !== null && "_tag" in error && error._tag === "NodeRejected" ? step.whenRejected?.((error as { code: number }).code) : undefined
      return answer === undefined ? Effect.fail(error) : Effect.succeed(answer)
    }),
  )
