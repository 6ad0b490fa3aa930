/**
 * One run of a Bitcoin account: its next requests, each paid by a transaction the
 * executor builds from explicit coins (the account's UTXO book), has the wallet sign,
 * records (raw bytes, inputs, which output pays which request), and only then
 * broadcasts. A retry or a new owner sends the same bytes; nothing is matched by amount.
 *
 * In a batching account (`[chains.bitcoin].batch_accounts`), consecutive one-output
 * payouts share one transaction, up to `batch_max_outputs`, waiting at most
 * `batch_linger_ms` from the oldest one's acceptance for more to arrive; payouts the
 * coins cannot cover fail with "insufficient funds", the rest are paid in order.
 *
 * While an account holds fewer than `change_fanout_coins` coins, a transaction splits
 * its change (coin-selection.ts): one coin pays at most 25 transactions a block, so the
 * account's rate grows with its coins once a block confirms the pieces.
 */
import { Effect, Result } from "effect"
import { newChangeAddress, signRaw, sendRaw, listUnspent, txStatus, unspentOutput, type Prevout, signingMayNeedUnlock } from "../../adapters/bitcoin/wallet-calls.ts"
import type { SendFrom, SendMany, SendToAddress } from "../../domain/request.ts"
import { nextRecord, statusRecordFor } from "../../domain/status-record.ts"
import { isFinal, type StatusRecord } from "../../domain/status.ts"
import { ensureOwned, commitDurably, type Fenced } from "../durable.ts"
import type { DeadLetterFor, LaneItem, RunResult } from "../lane.ts"
import type { ExtraRecord, NodeCallError } from "../ports.ts"
import { scriptForAddress } from "./address-script.ts"
import { accountStateOf, walletStep, type AccountState, type BitcoinContext, type PendingTx } from "./bitcoin-context.ts"
import { buildSigned, buildSignedBatch, type SignedTransaction } from "./build-transaction.ts"
import type { SelectionError } from "./coin-selection.ts"
import type { OutPoint, TxOutput } from "./raw-transaction.ts"
import { memberRecord, parentsOf, transactionRecord } from "./tx-records.ts"
import { executorEvents } from "../events.ts"

type BitcoinBody = SendToAddress | SendFrom | SendMany

/** A request's outputs, exact in satoshis. */
interface Payment {
  readonly item: LaneItem
  readonly outputs: readonly TxOutput[]
}

const satoshis = (amount: string): bigint => {
  const [whole = "0", frac = ""] = amount.split(".")
  return BigInt(whole) * 100_000_000n + BigInt((frac + "00000000").slice(0, 8))
}

/** Addresses and amounts of a request, in the order its outputs are written. */
const paymentsOf = (body: BitcoinBody): readonly (readonly [string, string])[] =>
  body.method === "sendmany" ? Object.entries(body.params.amounts) : [[body.params.address, body.params.amount]]

const alreadyHandled = (r: StatusRecord | undefined): boolean => r !== undefined && (isFinal(r.status) || r.txid !== undefined)

/** The account's state, its coins listed from the wallet the first time, and restored change checked. */
const accountOf = (ctx: BitcoinContext, account: string): Effect.Effect<AccountState, NodeCallError | { readonly _tag: string; readonly message: string }> =>
  Effect.gen(function* () {
    const state = accountStateOf(ctx, account)
    if (!state.loaded) yield* listCoins(ctx, account, state)
    if (state.book.hasUncheckedChange()) yield* checkRestoredChange(ctx, account, state)
    return state
  })

/**
 * Asks the node about the change of transactions restored on takeover before any of it is
 * spent. A transaction an earlier owner recorded final is not restored, so if it spent
 * the change of one that was restored, nothing in the records says so. Only a mined
 * transaction's change can have been spent by a final one (a final child was mined, and
 * its parent with it), and `gettxout` null then means a block spent it. Before 7
 * December nothing asked: in one CI run a successor spent such change again and the
 * payouts built on it failed as double-spent.
 */
const checkRestoredChange = (ctx: BitcoinContext, account: string, state: AccountState) =>
  Effect.gen(function* () {
    const byTx = new Map<string, OutPoint[]>()
    for (const coin of state.book.uncheckedChange()) byTx.set(coin.txid, [...(byTx.get(coin.txid) ?? []), coin])
    for (const [txid, coins] of byTx) {
      const status = yield* walletStep(ctx, txStatus(txid))
      const mined = status.known && status.confirmations > 0
      for (const coin of coins) {
        const spent = mined && (yield* walletStep(ctx, unspentOutput(coin))) === undefined
        state.book.settleChange(coin, spent)
        if (spent) ctx.log.warn(executorEvents.restoredChangeSpent, { partition: ctx.partition, account, coin: `${coin.txid}:${coin.vout}` })
      }
    }
  })

/** Reads the account's coins from the wallet into its book. */
const listCoins = (ctx: BitcoinContext, account: string, state: AccountState) =>
  Effect.gen(function* () {
    const coins = yield* walletStep(ctx, listUnspent(ctx.settings.walletKind, account))
    state.book.load(coins)
    state.loaded = true
    state.loadedAt = ctx.now()
  })

/**
 * What to do when the book cannot fund a payment: list the wallet's coins again if the
 * listing is over a second old (the account may have been paid since), wait for a block
 * if the wallet holds unconfirmed coins the book may not spend yet (or for the next run
 * if restored change waits to be checked), else fail.
 */
const whenShort = (ctx: BitcoinContext, account: string, state: AccountState): Effect.Effect<"again" | "wait" | "fail"> =>
  Effect.gen(function* () {
    if (ctx.now() - state.loadedAt >= 1_000) {
      const listed = yield* Effect.result(listCoins(ctx, account, state))
      if (Result.isSuccess(listed)) return "again" as const
    }
    // Restored change taken in since the run began is checked by the next run.
    return state.book.stats().heldBack > 0 || state.book.hasUncheckedChange() ? ("wait" as const) : ("fail" as const)
  })

/** Signs with the wallet, unlocking it first when it says it is locked and a passphrase is configured. */
const signer = (ctx: BitcoinContext) => (unsignedHex: string, prevouts: readonly Prevout[]) =>
  walletStep(ctx, signRaw(ctx.settings.walletKind, unsignedHex, prevouts)).pipe(
    Effect.catch((e) => {
      if (!signingMayNeedUnlock(e) || ctx.settings.passphrase === undefined) return Effect.fail(e)
      ctx.log.warn(executorEvents.walletUnlock, { partition: ctx.partition, node: ctx.settings.node })
      const unlock = ctx.nodes.callNode(ctx.settings.node, "walletpassphrase", [ctx.settings.passphrase, ctx.settings.walletKind === "btcwallet" ? 0 : 100_000_000])
      return Effect.andThen(unlock, walletStep(ctx, signRaw(ctx.settings.walletKind, unsignedHex, prevouts)))
    }),
  )

/** A fresh change script of the account (asking again past btcwallet's unreadable "Sb1" change addresses). */
const changeScript = (ctx: BitcoinContext, account: string) =>
  Effect.gen(function* () {
    for (let attempt = 0; ; attempt++) {
      const address = yield* Effect.result(walletStep(ctx, newChangeAddress(ctx.settings.walletKind, account)))
      if (Result.isSuccess(address)) {
        const script = scriptForAddress(address.success, ctx.settings.network)
        if (Result.isSuccess(script)) return script.success
        if (attempt >= 3) return yield* Effect.fail(script.failure)
        continue
      }
      if (attempt >= 3) return yield* Effect.fail(address.failure)
    }
  })

/**
 * The change script of the account's next transaction: the last one while it has uses
 * left, else a fresh address from the wallet. Right after a broadcast the wallet takes
 * 300–650 ms to hand out an address (3–5 ms idle), so a batching lane that asks for one
 * per transaction spends most of each run waiting for it.
 */
const takeChange = (ctx: BitcoinContext, account: string, state: AccountState) => {
  const kept = state.change
  if (kept !== undefined && kept.left > 0) {
    kept.left -= 1
    return Effect.succeed(kept.script)
  }
  return Effect.tap(changeScript(ctx, account), (script) => Effect.sync(() => { state.change = { script, left: ctx.settings.changeAddressUses - 1 } }))
}

/** Why a selection failed, for the request's record, and whether waiting for blocks would help. */
const selectionReason = (e: SelectionError): { readonly reason: string; readonly wait: boolean } =>
  e._tag === "CannotFund" && e.limitedBy === "chain-limit"
    ? { reason: e.message, wait: true }
    : { reason: e._tag === "CannotFund" ? `${e.message}; fund the account and submit again` : e.message, wait: false }

/** Sends a recorded transaction, and acts on a refusal that settles it. */
export const sendPending = (ctx: BitcoinContext, state: AccountState, tx: PendingTx): Effect.Effect<void, Fenced> =>
  Effect.gen(function* () {
    yield* ensureOwned(ctx.recorder)
    tx.triedAt = ctx.now()
    const sent = yield* Effect.result(walletStep(ctx, sendRaw(tx.raw)))
    if (Result.isSuccess(sent)) {
      tx.sentAt = ctx.now()
      tx.refusedAs = undefined
      return
    }
    const e = sent.failure
    if (e._tag !== "NodeRejected") return
    switch (e.kind) {
      case "already-known":
        tx.sentAt ??= ctx.now()
        tx.refusedAs = undefined
        return
      case "conflict":
      case "inputs-spent":
      case "underpriced":
        // Another spend holds an input, or the fee is below the node's floor: the tracker
        // decides once a block settles it (bitcoin-track.ts). Said once, not every try.
        if (tx.sentAt === undefined && tx.refusedAs !== e.kind) ctx.log.warn(executorEvents.btcRefused, { partition: ctx.partition, txid: tx.txid, kind: e.kind, reason: e.detail })
        tx.refusedAs = e.kind
        return
      default: {
        ctx.log.warn(executorEvents.btcRefused, { partition: ctx.partition, txid: tx.txid, kind: e.kind, reason: e.detail })
        yield* failTransaction(ctx, state, tx, `sendrawtransaction refused (${e.kind}): ${e.detail}`)
      }
    }
  })

/** A recorded transaction that can never be mined: its requests fail with `reason`, and the book forgets it. */
export const failTransaction = (ctx: BitcoinContext, state: AccountState, tx: PendingTx, reason: string): Effect.Effect<void, Fenced> =>
  Effect.gen(function* () {
    const out: StatusRecord[] = []
    for (const id of [...state.book.drop(tx.txid)]) {
      const dead = state.pending.get(id)
      if (dead === undefined) continue
      state.pending.delete(id)
      const why = id === tx.txid ? reason : `it spent change of ${tx.txid}, which can never be mined (${reason})`
      for (const m of dead.members) {
        const prior = ctx.records.get(m.id)
        if (prior !== undefined) out.push(nextRecord(prior, "failed", ctx.now(), { reason: why }))
      }
      const txRecord = ctx.records.get(`btc-tx:${id}`)
      if (txRecord !== undefined) out.push(nextRecord(txRecord, "failed", ctx.now(), { reason: why }))
    }
    if (out.length === 0) return
    yield* commitDurably(ctx.recorder, out)
    ctx.records.remember(out)
  })

/** Runs `items` of one account (see the module comment). */
export const runBitcoinAccount = (ctx: BitcoinContext, account: string, items: readonly LaneItem[], deadLetter: DeadLetterFor): Effect.Effect<RunResult, Fenced> =>
  Effect.gen(function* () {
    const batching = ctx.settings.batchAccounts.has(account)
    const records: StatusRecord[] = []
    const extras: ExtraRecord[] = []
    const finishes: bigint[] = []
    const built: { readonly signed: SignedTransaction; readonly payments: readonly Payment[] }[] = []
    let stop: RunResult | undefined

    // The requests to pay, in order; copies and unpayable ones are settled here.
    const payments: Payment[] = []
    const seen = new Set<string>()
    for (const item of items) {
      const { request } = item
      if (seen.has(request.id) || alreadyHandled(ctx.records.get(request.id))) {
        finishes.push(item.offset)
        continue
      }
      seen.add(request.id)
      const outputs: TxOutput[] = []
      let unpayable: string | undefined
      for (const [address, amount] of paymentsOf(request.body as BitcoinBody)) {
        const script = scriptForAddress(address, ctx.settings.network)
        if (Result.isFailure(script)) unpayable = script.failure.message
        else outputs.push({ satoshis: satoshis(amount), scriptPubKey: script.success })
      }
      if (unpayable !== undefined) {
        const dead = deadLetter(item, unpayable)
        records.push(dead.record)
        extras.push(dead.extra)
        finishes.push(item.offset)
        continue
      }
      payments.push({ item, outputs })
    }

    if (batching && payments.length > 0 && payments.length < ctx.settings.batchMaxOutputs && records.length === 0) {
      const oldest = Math.min(...payments.map((p) => p.item.request.accepted_at))
      const waitMs = oldest + ctx.settings.batchLingerMs - ctx.now()
      if (waitMs > 0 && finishes.length === 0) return { _tag: "wait", ms: Math.min(waitMs, ctx.settings.batchLingerMs) } as const
    }

    const state = payments.length === 0 ? undefined : yield* Effect.result(accountOf(ctx, account))
    if (state !== undefined && Result.isFailure(state)) {
      stop = { _tag: "later", remaining: items.slice(items.indexOf(payments[0]?.item as LaneItem)), reason: state.failure.message }
    } else if (state !== undefined) {
      const book = state.success.book
      const sign = signer(ctx)
      let i = 0
      // A shortfall lists the coins again once per payment before it waits or fails.
      let retriedShort = false
      while (i < payments.length && stop === undefined) {
        const first = payments[i] as Payment
        // One transaction: a batch of one-output payouts, or one request on its own.
        const group: Payment[] = [first]
        if (batching && first.outputs.length === 1) {
          while (i + group.length < payments.length && group.length < ctx.settings.batchMaxOutputs && (payments[i + group.length] as Payment).outputs.length === 1) group.push(payments[i + group.length] as Payment)
        }
        const change = yield* Effect.result(takeChange(ctx, account, state.success))
        if (Result.isFailure(change)) {
          stop = { _tag: "later", remaining: items.slice(items.indexOf(first.item)), reason: change.failure.message }
          break
        }
        const options = { changeScript: change.success, fanoutCoins: ctx.settings.changeFanoutCoins }
        if (group.length === 1 && !batching) {
          const signed = yield* Effect.result(buildSigned(book, first.outputs, ctx.settings.feeRateSatPerVbyte, options, sign))
          if (Result.isSuccess(signed)) {
            built.push({ signed: signed.success, payments: group })
          } else if (signed.failure._tag === "CannotFund" || signed.failure._tag === "DustOutput" || signed.failure._tag === "TooLarge") {
            const why = selectionReason(signed.failure)
            const short = signed.failure._tag === "CannotFund" && !why.wait ? yield* whenShort(ctx, account, state.success) : "fail"
            if (short === "again" && !retriedShort) {
              retriedShort = true
              continue
            }
            if (why.wait || short === "wait") {
              stop = { _tag: "wait", ms: 1_000, remaining: items.slice(items.indexOf(first.item)) }
              break
            }
            ctx.log.warn(executorEvents.btcUnpaid, { partition: ctx.partition, id: first.item.request.id, reason: why.reason })
            records.push(failedRecord(ctx, first.item, why.reason))
            finishes.push(first.item.offset)
          } else {
            stop = { _tag: "later", remaining: items.slice(items.indexOf(first.item)), reason: signed.failure.message }
            break
          }
          i += 1
          retriedShort = false
          continue
        }
        const batch = yield* Effect.result(buildSignedBatch(book, group.flatMap((p) => p.outputs), ctx.settings.feeRateSatPerVbyte, options, sign))
        if (Result.isFailure(batch)) {
          stop = { _tag: "later", remaining: items.slice(items.indexOf(first.item)), reason: batch.failure.message }
          break
        }
        // Output k of the transaction pays group[paid[k]]; dust payouts fail on their own, the rest past the prefix share one reason.
        const { paid, unpaid, signed } = batch.success
        if (signed !== undefined && paid.length > 0) built.push({ signed, payments: paid.map((ix) => group[ix] as Payment) })
        const tail = unpaid.filter((u) => u.error._tag !== "DustOutput")
        const first_ = tail[0]
        let waitFor = first_ === undefined ? undefined : selectionReason(first_.error)
        if (first_ !== undefined && first_.error._tag === "CannotFund" && !waitFor?.wait && paid.length === 0) {
          const short = yield* whenShort(ctx, account, state.success)
          if (short === "again" && !retriedShort) {
            retriedShort = true
            continue
          }
          if (short === "wait") waitFor = { reason: first_.error.message, wait: true }
        }
        retriedShort = false
        for (const u of unpaid) {
          const p = group[u.index] as Payment
          if (u.error._tag !== "DustOutput" && waitFor?.wait) continue
          ctx.log.warn(executorEvents.btcUnpaid, { partition: ctx.partition, id: p.item.request.id, reason: selectionReason(u.error).reason })
          records.push(failedRecord(ctx, p.item, selectionReason(u.error).reason))
          finishes.push(p.item.offset)
        }
        if (waitFor?.wait && tail[0] !== undefined) {
          stop = { _tag: "wait", ms: 1_000, remaining: items.slice(items.indexOf((group[tail[0].index] as Payment).item)) }
          break
        }
        i += group.length
      }
    }

    // Record every transaction with the requests it pays, then send them.
    const pendings: PendingTx[] = []
    for (const { signed, payments: paid } of built) {
      // Payout k of a batch is output k; a request paid alone starts at output 0.
      const members = paid.map((p, k) => ({ id: p.item.request.id, vout: k }))
      records.push(transactionRecord(ctx, account, signed, members))
      for (const [k, p] of paid.entries()) {
        records.push(memberRecord(ctx, p.item, ctx.records.get(p.item.request.id), signed.txid, members[k]?.vout ?? 0))
        finishes.push(p.item.offset)
      }
      pendings.push({ txid: signed.txid, raw: signed.hex, account, members, parents: parentsOf(signed.decoded), recorded: false, sentAt: undefined, triedAt: undefined, mined: undefined, reported: "signed" })
    }
    if (records.length > 0 || finishes.length > 0) {
      // The account's next run waits for this one: not held for the pause between transactions.
      yield* commitDurably(ctx.recorder, records, finishes, extras, { urgent: true })
      ctx.records.remember(records)
    }
    const account_ = ctx.accounts.get(account)
    const claimedAt = ctx.now()
    for (const tx of pendings) {
      tx.recorded = true
      // This run sends it next: the tracker leaves a transaction tried within the last second alone.
      tx.triedAt = claimedAt
      account_?.pending.set(tx.txid, tx)
    }
    if (account_ !== undefined) {
      for (const [k, tx] of pendings.entries()) {
        // Still this run's while it sends the ones before (a slow wallet can take over a second for a run).
        const now = ctx.now()
        for (let j = k + 1; j < pendings.length; j++) (pendings[j] as PendingTx).triedAt = now
        yield* sendPending(ctx, account_, tx)
      }
    }
    return stop ?? ({ _tag: "done" } as const)
  })

/** A request's record as failed before any transaction paid it. */
const failedRecord = (ctx: BitcoinContext, item: LaneItem, reason: string): StatusRecord => {
  const prior = ctx.records.get(item.request.id)
  return prior === undefined
    ? { ...statusRecordFor(item.request, ctx.partition, "failed", ctx.now(), { node: ctx.settings.node, reason }), rev: 1 }
    : nextRecord(prior, "failed", ctx.now(), { reason })
}
