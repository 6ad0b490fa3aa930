/**
 * The Bitcoin lane of a partition executor: runs (bitcoin-run.ts), the tracker round
 * (bitcoin-track.ts) over the host's chain watch (bitcoin-chain-watch.ts), and the
 * takeover that rebuilds each account's coin book and pending transactions from the
 * partition's unfinished `transaction` records. Nothing is signed anew on takeover: the
 * recorded bytes are sent again by the first round. A restored transaction's change is
 * not spent before the node was asked about it (bitcoin-run.ts `checkRestoredChange`).
 */
import { Effect, Result } from "effect"
import type { StatusRecord } from "../../domain/status.ts"
import type { DeadLetterFor, Lane } from "../lane.ts"
import { accountStateOf, type BitcoinContext } from "./bitcoin-context.ts"
import { runBitcoinAccount } from "./bitcoin-run.ts"
import { trackBitcoin } from "./bitcoin-track.ts"
import type { BitcoinChainWatch } from "./bitcoin-chain-watch.ts"
import { decodeRawTransaction } from "./raw-transaction.ts"
import { changeVoutsOf, membersOf, parentsOf } from "./tx-records.ts"
import { recordedSpendOf } from "./utxo-book.ts"
import { executorEvents } from "../events.ts"
import { stoodStillBefore, timeToReconcile } from "../reconcile-clock.ts"

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

/** Takes one unfinished `transaction` record into its account's pending transactions and coin book; false when the record is not one, or unreadable. */
const restoreTransaction = (ctx: BitcoinContext, record: StatusRecord): boolean => {
  if (record.kind !== "transaction" || record.raw_tx === undefined || record.txid === undefined) return false
  const decoded = decodeRawTransaction(record.raw_tx)
  if (Result.isFailure(decoded)) {
    ctx.log.warn(executorEvents.unreadableRecord, { partition: ctx.partition, id: record.id, problem: decoded.failure.message })
    return false
  }
  const state = accountStateOf(ctx, record.sender)
  state.book.reserve(recordedSpendOf(decoded.success, changeVoutsOf(record)), { checkChange: true })
  state.pending.set(record.txid, {
    txid: record.txid, raw: record.raw_tx, account: record.sender, members: membersOf(record), parents: parentsOf(decoded.success), recorded: true,
    sentAt: undefined, triedAt: undefined, mined: undefined, reported: record.status,
  })
  return true
}

/**
 * Takes back every `transaction` record of the partition that the status store says is
 * signed or submitted, that has stood still for `reconcileAfterMs`, and that no account
 * holds: one a takeover missed, which nothing would otherwise send again or follow to a
 * final status. The first round after a takeover only starts the clock. Answers how many
 * it took back: those may have been mined before, in blocks the chain watch reported while
 * nothing here held them, so the caller asks the wallet about them, as after a takeover.
 */
export const reconcileBitcoin = (ctx: BitcoinContext): number => {
  const now = ctx.now()
  if (!timeToReconcile(ctx.accounts, now)) return 0
  let adopted = 0
  const held = new Set<string>()
  for (const state of ctx.accounts.values()) for (const txid of state.pending.keys()) held.add(txid)
  for (const record of ctx.records.awaitingIn(ctx.partition, stoodStillBefore(now))) {
    if (record.chain !== "bitcoin" || record.kind !== "transaction" || record.txid === undefined || held.has(record.txid)) continue
    if (!restoreTransaction(ctx, record)) continue
    adopted += 1
    ctx.log.warn(executorEvents.untrackedAdopted, { partition: ctx.partition, sender: record.sender, id: record.id, txid: record.txid, status: record.status, adopted: true })
  }
  return adopted
}

/** Builds the lane over `ctx`, registered with the host's chain `watch`. */
export const makeBitcoinLane = (ctx: BitcoinContext, watch: BitcoinChainWatch, deadLetter: DeadLetterFor): Lane => {
  const holder = { looked: false }
  const registration = watch.register(ctx.settings.node, following(ctx))
  const tracking = trackBitcoin(ctx, registration, holder)
  return {
    capacity: (account) => (ctx.settings.batchAccounts.has(account) ? ctx.settings.batchMaxOutputs : unbatchedRun),
    run: (account, items) => runBitcoinAccount(ctx, account, items, deadLetter),
    track: Effect.flatMap(
      Effect.sync(() => {
        if (reconcileBitcoin(ctx) > 0) holder.looked = false
      }),
      () => tracking,
    ),
    close: Effect.sync(() => registration.unregister()),
    restore: (records: readonly StatusRecord[]) =>
      Effect.sync(() => {
        let restored = 0
        for (const record of records) if (restoreTransaction(ctx, record)) restored += 1
        ctx.log.info(executorEvents.restored, { partition: ctx.partition, chain: "bitcoin", transactions: restored })
      }),
  }
}
