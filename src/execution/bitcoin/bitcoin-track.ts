/**
 * The Bitcoin tracker round of one partition executor: follows every transaction the
 * lane recorded until it is final. The host's chain watch (bitcoin-chain-watch.ts) reads
 * the blocks once for every partition.
 *
 * - New blocks: the watch's `listsinceblock` names the wallet's transactions mined since
 *   the last block it saw; this partition's pending ones are marked mined.
 * - Blocks the watch missed: a block that holds a transaction holds its parents, so a
 *   mined transaction whose own unconfirmed parent is not known mined has the wallet asked
 *   about that parent at once; and a transaction the wallet says is mined when asked about
 *   a resend is marked mined. The watch does miss some: in CI a parent was recorded
 *   `submitted` in the same Kafka transaction as its mined child's `confirmed`, and stayed
 *   so until a takeover asked the wallet (why btcwallet's listing left it out is not known).
 * - A transaction is recorded `confirmed` only after every unconfirmed transaction of its
 *   account it spends the change of, in the same or an earlier Kafka transaction. A new
 *   owner restores only unfinished records; a child recorded final while its parent was
 *   not would leave the parent's change, which the child spent, in the restored coin book,
 *   to be spent again (seen in CI: 120 payouts failed as double-spent).
 * - Reorgs: when the watch finds the block it last saw replaced, every mined transaction
 *   is asked about again, and one no block holds any more goes back to `submitted`, its
 *   same bytes sent again.
 * - Transactions never sent (restored on takeover, or unanswered) are sent; one the
 *   wallet still does not know `rebroadcast_after_s` after its broadcast is sent again;
 *   one whose coin another transaction spent in a block can never be mined, and its
 *   requests fail, reported as double-spent — whether the node took it once (and then
 *   forgot it) or refused it from the start because the other spend came first.
 */
import { Effect } from "effect"
import { txStatus, unspentOutput } from "../../adapters/bitcoin/wallet-calls.ts"
import type { StatusRecord } from "../../domain/status.ts"
import { commitDurably, type Fenced } from "../durable.ts"
import { walletStep, type AccountState, type BitcoinContext, type PendingTx } from "./bitcoin-context.ts"
import type { BitcoinWatchRegistration } from "./bitcoin-chain-watch.ts"
import { failTransaction, sendPending } from "./bitcoin-run.ts"
import { statusRecords } from "./tx-records.ts"
import { executorEvents } from "../events.ts"

/** Asks the wallet where each given transaction stands, and marks it mined or not. */
const lookUp = (ctx: BitcoinContext, txs: readonly PendingTx[], head: number) =>
  Effect.forEach(txs, (tx) =>
    Effect.gen(function* () {
      const status = yield* Effect.option(walletStep(ctx, txStatus(tx.txid)))
      if (status._tag === "None" || !status.value.known) return
      const { confirmations, blockhash } = status.value
      if (confirmations > 0 && blockhash !== undefined) {
        tx.mined = { blockHash: blockhash, height: head - confirmations + 1 }
      } else if (tx.mined !== undefined) {
        ctx.log.warn(executorEvents.reorged, { partition: ctx.partition, txid: tx.txid, block: tx.mined.height })
        tx.mined = undefined
        tx.sentAt = undefined
      }
    }), { discard: true })

/**
 * Takes what the host's chain watch saw since the last round: marks the partition's
 * transactions found mined, and on the first round (or after a reorg) asks the wallet
 * about each one that could have moved. Answers the head, or undefined before the watch
 * has read one.
 */
const readBlocks = (ctx: BitcoinContext, watch: BitcoinWatchRegistration, holder: { looked: boolean }, all: readonly PendingTx[]) =>
  Effect.gen(function* () {
    const seen = watch.drain()
    if (seen.head === undefined) return undefined
    for (const tx of all) {
      const at = seen.mined.get(tx.txid)
      if (at !== undefined) tx.mined = at
    }
    if (!holder.looked) {
      // First round (or after a takeover): the transactions may have been mined before the watch looked.
      yield* lookUp(ctx, all, seen.head)
      holder.looked = true
    } else if (seen.reorged) {
      yield* lookUp(ctx, all.filter((t) => t.mined !== undefined), seen.head)
    }
    const missed = unseenParents(ctx)
    if (missed.length > 0) {
      ctx.log.info(executorEvents.minedUnseen, { partition: ctx.partition, transactions: missed.length, first: missed[0]?.txid })
      yield* lookUp(ctx, missed, seen.head)
    }
    return seen.head
  })

/**
 * The account's own pending transactions that `tx` descends from, up to the first
 * confirmed one on each path: followed through the transactions' own inputs, not the
 * coin book, which a wallet listing may have told that a parent is confirmed before its
 * record says so (`test/faults/watch-misses-blocks.test.ts` failed once that way).
 */
const pendingAncestors = (state: AccountState, tx: PendingTx): PendingTx[] => {
  const found = new Map<string, PendingTx>()
  const queue = [...tx.parents]
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    const parent = state.pending.get(id)
    if (parent === undefined || found.has(id)) continue
    found.set(id, parent)
    // A confirmed one's ancestors were confirmed before it.
    if (parent.reported !== "confirmed") queue.push(...parent.parents)
  }
  return [...found.values()]
}

/** Recorded transactions not known mined that a transaction known mined descends from: the block holding the child holds them too. */
const unseenParents = (ctx: BitcoinContext): readonly PendingTx[] => {
  const found = new Map<string, PendingTx>()
  for (const state of ctx.accounts.values()) {
    for (const tx of state.pending.values()) {
      if (tx.mined === undefined || tx.reported === "confirmed") continue
      for (const parent of pendingAncestors(state, tx)) if (parent.recorded && parent.mined === undefined) found.set(parent.txid, parent)
    }
  }
  return [...found.values()]
}

/** True while `tx` spends the output of a transaction of its account that is not recorded `confirmed` yet. */
const waitsForParent = (state: AccountState, tx: PendingTx): boolean =>
  tx.parents.some((id) => {
    const parent = state.pending.get(id)
    return parent !== undefined && parent.reported !== "confirmed"
  })

/**
 * Whether `tx` can never be mined because a block spent one of its coins: asks the wallet
 * about the transaction first (one it holds, pooled or mined, is "known": a resend that
 * the node refused because the transaction itself spent those coins must not fail it),
 * then about each coin it spends that is not the output of this account's own transaction
 * still waiting for a block. A known transaction counts as sent; a double-spent one is
 * failed here, with its requests. Until a block settles it, it stays open (tried again).
 */
const settleIfSpentElsewhere = (ctx: BitcoinContext, state: AccountState, tx: PendingTx, head: number): Effect.Effect<"known" | "failed" | "open", Fenced> =>
  Effect.gen(function* () {
    const status = yield* Effect.option(walletStep(ctx, txStatus(tx.txid)))
    if (status._tag === "None") return "open"
    if (status.value.known && status.value.confirmations >= 0) {
      // The wallet holds it: it was sent after all, and may be mined in a block the watch missed.
      tx.sentAt = ctx.now()
      tx.refusedAs = undefined
      const { confirmations, blockhash } = status.value
      if (confirmations > 0 && blockhash !== undefined && tx.mined === undefined) {
        tx.mined = { blockHash: blockhash, height: head - confirmations + 1 }
        ctx.log.info(executorEvents.minedUnseen, { partition: ctx.partition, transactions: 1, first: tx.txid })
      }
      return "known"
    }
    const inputs = ctx.records.get(`btc-tx:${tx.txid}`)?.inputs ?? []
    for (const input of inputs) {
      const at = input.lastIndexOf(":")
      const parent = input.slice(0, at)
      const own = state.pending.get(parent)
      if (own !== undefined && own.mined === undefined) continue
      // btcd's gettxout still lists a coin a mempool transaction spent; null means a block spent it (or it never was).
      const unspent = yield* Effect.option(walletStep(ctx, unspentOutput({ txid: parent, vout: Number(input.slice(at + 1)) })))
      if (unspent._tag === "Some" && unspent.value === undefined) {
        ctx.log.warn(executorEvents.doubleSpent, { partition: ctx.partition, txid: tx.txid, input })
        yield* failTransaction(ctx, state, tx, `conflicted by a double spend: coin ${input} was spent in a block by another transaction, so ${tx.txid} can never be mined`)
        return "failed"
      }
    }
    return "open"
  })

/** A transaction the wallet does not know long after its broadcast: sent again, or failed if a block spent one of its coins. */
const revive = (ctx: BitcoinContext, state: AccountState, tx: PendingTx, head: number) =>
  Effect.gen(function* () {
    if ((yield* settleIfSpentElsewhere(ctx, state, tx, head)) !== "open") return
    ctx.log.warn(executorEvents.rebroadcast, { partition: ctx.partition, txid: tx.txid, reason: "the wallet does not know it" })
    yield* sendPending(ctx, state, tx)
  })

/** One tracker round (see the module comment). */
export const trackBitcoin = (ctx: BitcoinContext, watch: BitcoinWatchRegistration, holder: { looked: boolean }): Effect.Effect<void, Fenced> =>
  Effect.gen(function* () {
    const all: PendingTx[] = []
    for (const state of ctx.accounts.values()) for (const tx of state.pending.values()) if (tx.recorded) all.push(tx)
    if (all.length === 0) return
    const head = yield* readBlocks(ctx, watch, holder, all)
    if (head === undefined) return
    const now = ctx.now()
    const out: StatusRecord[] = []
    for (const state of ctx.accounts.values()) {
      for (const tx of [...state.pending.values()]) {
        if (!tx.recorded) continue
        if (tx.mined === undefined) {
          if (tx.sentAt === undefined) {
            if (tx.triedAt === undefined || now - tx.triedAt >= 1_000) {
              yield* sendPending(ctx, state, tx)
              if (tx.sentAt === undefined && (tx.refusedAs === "inputs-spent" || tx.refusedAs === "conflict")) yield* settleIfSpentElsewhere(ctx, state, tx, head)
            }
          } else if (now - tx.sentAt >= ctx.settings.rebroadcastAfterMs) {
            yield* revive(ctx, state, tx, head)
          }
          if (!state.pending.has(tx.txid)) continue
          if (tx.sentAt !== undefined && tx.reported === "signed") {
            out.push(...statusRecords(ctx, tx, "submitted"))
            tx.reported = "submitted"
          } else if (tx.sentAt === undefined && tx.reported === "confirmed") {
            out.push(...statusRecords(ctx, tx, "submitted", { reason: "the block that held it was reorged away; the same bytes are sent again" }))
            tx.reported = "submitted"
          }
          continue
        }
        const depth = head - tx.mined.height + 1
        if (tx.reported !== "confirmed" && depth >= ctx.settings.confirmations && !waitsForParent(state, tx)) {
          out.push(...statusRecords(ctx, tx, "confirmed", { block: tx.mined.height, block_hash: tx.mined.blockHash, confirmations: depth }))
          tx.reported = "confirmed"
          state.book.confirm(tx.txid)
        }
        if (tx.reported === "confirmed" && depth > ctx.settings.reorgWindowBlocks) state.pending.delete(tx.txid)
      }
    }
    if (out.length === 0) return
    yield* commitDurably(ctx.recorder, out)
    ctx.records.remember(out)
  })
