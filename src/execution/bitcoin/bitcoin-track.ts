/**
 * The Bitcoin tracker round of one partition executor: follows every transaction the
 * lane recorded until it is final, reading the chain once per new block.
 *
 * - New blocks: one `listsinceblock` from the last block seen names the wallet's
 *   transactions mined since, with their confirmations; pending ones are marked mined.
 * - Reorgs: the block last seen is looked up again by height; if its hash changed, every
 *   mined transaction is asked about again, and one no block holds any more goes back to
 *   `submitted`, its same bytes sent again.
 * - Transactions never sent (restored on takeover, or unanswered) are sent; one the
 *   wallet still does not know `rebroadcast_after_s` after its broadcast is sent again;
 *   one whose coin another transaction spent in a block can never be mined, and its
 *   requests fail, reported as double-spent.
 */
import { Effect, Result } from "effect"
import { txStatus, unspentOutput } from "../../adapters/bitcoin/wallet-calls.ts"
import type { StatusRecord } from "../../domain/status.ts"
import { commitDurably, type Fenced } from "../durable.ts"
import { walletStep, type AccountState, type BitcoinContext, type PendingTx } from "./bitcoin-context.ts"
import { failTransaction, sendPending } from "./bitcoin-run.ts"
import { statusRecords } from "./tx-records.ts"
import { executorEvents } from "../events.ts"

/** The block the tracker last read up to. */
export interface ChainTip {
  height: number
  hash: string
}

interface SinceBlock {
  readonly transactions?: readonly { readonly txid?: string; readonly blockhash?: string; readonly confirmations?: number }[]
  readonly lastblock?: string
}

const blockHashAt = (ctx: BitcoinContext, height: number) => Effect.map(ctx.nodes.callNode(ctx.settings.node, "getblockhash", [height]), String)

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

/** Reads the blocks since `tip`: mined transactions, and reorgs. Answers the new tip. */
const readBlocks = (ctx: BitcoinContext, tip: ChainTip | undefined, all: readonly PendingTx[]) =>
  Effect.gen(function* () {
    const head = Number(yield* ctx.nodes.callNode(ctx.settings.node, "getblockcount", []))
    if (tip === undefined) {
      // First round (or after a takeover): ask about each transaction once.
      yield* lookUp(ctx, all, head)
      return { head, tip: { height: head, hash: yield* blockHashAt(ctx, head) } }
    }
    const then = yield* blockHashAt(ctx, Math.min(tip.height, head))
    if (then !== tip.hash || head < tip.height) yield* lookUp(ctx, all.filter((t) => t.mined !== undefined), head)
    if (head === tip.height && then === tip.hash) return { head, tip }
    const since = (yield* ctx.nodes.callNode(ctx.settings.node, "listsinceblock", [tip.hash])) as SinceBlock | null
    const byTxid = new Map(all.map((t) => [t.txid, t]))
    for (const entry of since?.transactions ?? []) {
      const tx = entry.txid === undefined ? undefined : byTxid.get(entry.txid)
      const confirmations = entry.confirmations ?? 0
      if (tx === undefined || confirmations <= 0 || entry.blockhash === undefined || entry.blockhash === "") continue
      tx.mined = { blockHash: entry.blockhash, height: head - confirmations + 1 }
    }
    return { head, tip: { height: head, hash: since?.lastblock ?? (yield* blockHashAt(ctx, head)) } }
  })

/** A transaction the wallet does not know long after its broadcast: sent again, or failed if a block spent one of its coins. */
const revive = (ctx: BitcoinContext, state: AccountState, tx: PendingTx) =>
  Effect.gen(function* () {
    const status = yield* Effect.option(walletStep(ctx, txStatus(tx.txid)))
    if (status._tag === "None") return
    if (status.value.known && status.value.confirmations >= 0) {
      tx.sentAt = ctx.now()
      return
    }
    const raw = ctx.records.get(`btc-tx:${tx.txid}`)?.inputs ?? []
    for (const input of raw) {
      const at = input.lastIndexOf(":")
      // btcd's gettxout still lists a coin a mempool transaction spent; null means a block spent it (or it never was).
      const unspent = yield* Effect.option(walletStep(ctx, unspentOutput({ txid: input.slice(0, at), vout: Number(input.slice(at + 1)) })))
      if (unspent._tag === "Some" && unspent.value === undefined) {
        ctx.log.warn(executorEvents.doubleSpent, { partition: ctx.partition, txid: tx.txid, input })
        yield* failTransaction(ctx, state, tx, `conflicted by a double spend: coin ${input} was spent in a block by another transaction, so ${tx.txid} can never be mined`)
        return
      }
    }
    ctx.log.warn(executorEvents.rebroadcast, { partition: ctx.partition, txid: tx.txid, reason: "the wallet does not know it" })
    yield* sendPending(ctx, state, tx)
  })

/** One tracker round (see the module comment). */
export const trackBitcoin = (ctx: BitcoinContext, holder: { tip: ChainTip | undefined }): Effect.Effect<void, Fenced> =>
  Effect.gen(function* () {
    const all: PendingTx[] = []
    for (const state of ctx.accounts.values()) for (const tx of state.pending.values()) if (tx.recorded) all.push(tx)
    if (all.length === 0) return
    const read = yield* Effect.result(readBlocks(ctx, holder.tip, all))
    if (Result.isFailure(read)) return
    holder.tip = read.success.tip
    const head = read.success.head
    const now = ctx.now()
    const out: StatusRecord[] = []
    for (const state of ctx.accounts.values()) {
      for (const tx of [...state.pending.values()]) {
        if (!tx.recorded) continue
        if (tx.mined === undefined) {
          if (tx.sentAt === undefined) {
            if (tx.triedAt === undefined || now - tx.triedAt >= 1_000) yield* sendPending(ctx, state, tx)
          } else if (now - tx.sentAt >= ctx.settings.rebroadcastAfterMs) {
            yield* revive(ctx, state, tx)
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
        if (tx.reported !== "confirmed" && depth >= ctx.settings.confirmations) {
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
