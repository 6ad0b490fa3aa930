/**
 * The Bitcoin lane of a partition executor: runs (bitcoin-run.ts), the tracker round
 * (bitcoin-track.ts) over the host's chain watch (bitcoin-chain-watch.ts), and the
 * takeover that rebuilds each account's coin book and pending transactions from the
 * partition's unfinished `transaction` records. Nothing is signed anew on takeover: the
 * recorded bytes are sent again by the first round.
 */
import { Effect, Result } from "effect"
import type { StatusRecord } from "../../domain/status.ts"
import type { DeadLetterFor, Lane } from "../lane.ts"
import { accountStateOf, type BitcoinContext } from "./bitcoin-context.ts"
import { runBitcoinAccount } from "./bitcoin-run.ts"
import { trackBitcoin } from "./bitcoin-track.ts"
import type { BitcoinChainWatch } from "./bitcoin-chain-watch.ts"
import { decodeRawTransaction } from "./raw-transaction.ts"
import { changeVoutsOf, membersOf } from "./tx-records.ts"
import { recordedSpendOf } from "./utxo-book.ts"
import { executorEvents } from "../events.ts"

/**
 * Requests of one account started per run when payouts are not batched (each is its own
 * transaction). A run is recorded in one Kafka transaction, and the wallet waits while it
 * commits: 600 payments on the local stack (`gateway bench drain --phases bitcoin
 * --btc-requests 600`, change_address_uses 16) drained at 107–165/s in runs of 25
 * (five tries), 148–153/s in runs of 50 and 202–203/s in runs of 100 (two each).
 * Committing a run in two halves, the second signed while the first commits, was slower
 * (90–124/s): each transaction costs the brokers CPU the wallet needs on the same cores.
 */
const unbatchedRun = 100

/** True while some account of `ctx` has a recorded transaction not yet final. */
const following = (ctx: BitcoinContext) => (): boolean => {
  for (const state of ctx.accounts.values()) for (const tx of state.pending.values()) if (tx.recorded) return true
  return false
}

/** Builds the lane over `ctx`, registered with the host's chain `watch`. */
export const makeBitcoinLane = (ctx: BitcoinContext, watch: BitcoinChainWatch, deadLetter: DeadLetterFor): Lane => {
  const holder = { looked: false }
  const registration = watch.register(ctx.settings.node, following(ctx))
  return {
    capacity: (account) => (ctx.settings.batchAccounts.has(account) ? ctx.settings.batchMaxOutputs : unbatchedRun),
    run: (account, items) => runBitcoinAccount(ctx, account, items, deadLetter),
    track: trackBitcoin(ctx, registration, holder),
    close: Effect.sync(() => registration.unregister()),
    restore: (records: readonly StatusRecord[]) =>
      Effect.sync(() => {
        let restored = 0
        for (const record of records) {
          if (record.kind !== "transaction" || record.raw_tx === undefined || record.txid === undefined) continue
          const decoded = decodeRawTransaction(record.raw_tx)
          if (Result.isFailure(decoded)) {
            ctx.log.warn(executorEvents.unreadableRecord, { partition: ctx.partition, id: record.id, problem: decoded.failure.message })
            continue
          }
          const state = accountStateOf(ctx, record.sender)
          state.book.reserve(recordedSpendOf(decoded.success, changeVoutsOf(record)))
          state.pending.set(record.txid, {
            txid: record.txid, raw: record.raw_tx, account: record.sender, members: membersOf(record), recorded: true,
            sentAt: undefined, triedAt: undefined, mined: undefined, reported: record.status,
          })
          restored += 1
        }
        ctx.log.info(executorEvents.restored, { partition: ctx.partition, chain: "bitcoin", transactions: restored })
      }),
  }
}
