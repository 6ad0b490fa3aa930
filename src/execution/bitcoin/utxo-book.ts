/**
 * The coins one account may spend, as the executor sees them between its own
 * transactions and the wallet's listing.
 *
 * - `load` takes the wallet's `listunspent`: its confirmed coins become spendable.
 *   Unconfirmed coins the book did not make itself are held back: their ancestors are
 *   unknown, so spending them could break the mempool chain limit.
 * - `hold` marks the inputs of a plan being signed, so a second build in the same run
 *   never picks them; `release` gives them back if the plan is abandoned.
 * - `reserve` takes a transaction that is recorded but not confirmed: its inputs are
 *   spent for good, and each of its change outputs becomes an unconfirmed coin that
 *   later transactions may spend, within the chain limit. After a restart, feeding it the recorded
 *   transactions (`recordedSpendOf`) restores the same state, in any order.
 * - A transaction restored on takeover (`reserve` with `checkChange`) may have had its
 *   change spent by a transaction an earlier owner recorded final, which is not restored.
 *   Its change is not chosen until `settleChange` says, per coin, what the node answered.
 * - `confirm` and `drop` follow a transaction to its end: a block confirmed it (its
 *   change is now a confirmed coin), or a conflict killed it (its change, and every
 *   recorded transaction built on it, is gone; its inputs are forgotten until the
 *   wallet lists them again).
 *
 * Pure bookkeeping, no I/O: each case is a table row in the test.
 */
import type { Result } from "effect"
import { preferenceOrder, selectCoins, selectPrefix, type Candidate, type ChainMember, type Coin, type PrefixSelection, type SelectionError, type SelectionOptions, type SpendPlan } from "./coin-selection.ts"
import type { DecodedTransaction, OutPoint, TxOutput } from "./raw-transaction.ts"
import { scriptKindOf, type SpendableKind } from "./tx-size.ts"

/** One `listunspent` entry, amounts already in satoshis (the adapter parses them). */
export interface ListedCoin extends OutPoint {
  readonly satoshis: bigint
  readonly scriptPubKey: string
  readonly confirmations: number
  readonly spendable: boolean
}

/** One change output of a recorded transaction. */
export interface RecordedChange {
  readonly vout: number
  readonly satoshis: bigint
  readonly scriptPubKey: string
}

/** A recorded transaction as the book needs it: what it spends, its size, and its change outputs. */
export interface RecordedSpend {
  readonly txid: string
  readonly inputs: readonly OutPoint[]
  readonly vsize: number
  readonly change: readonly RecordedChange[]
}

/** The book's counts, for logs and tests. */
export interface BookStats {
  readonly spendable: number
  readonly unconfirmedOwn: number
  readonly heldBack: number
  readonly reserved: number
  readonly held: number
}

/** The `RecordedSpend` of a decoded recorded transaction whose change outputs are `changeVouts` (vouts it does not have are left out). */
export const recordedSpendOf = (tx: DecodedTransaction, changeVouts: readonly number[] = []): RecordedSpend => ({
  txid: tx.txid,
  inputs: tx.inputs.map(({ txid, vout }) => ({ txid, vout })),
  vsize: tx.vsize,
  change: changeVouts.flatMap((v) => {
    const o = tx.outputs[v]
    return o === undefined ? [] : [{ vout: o.vout, satoshis: o.satoshis, scriptPubKey: o.scriptPubKey }]
  }),
})

const keyOf = (o: OutPoint): string => `${o.txid}:${o.vout}`

const spendableKind = (scriptPubKey: string): SpendableKind | undefined => {
  const kind = scriptKindOf(scriptPubKey)
  return kind === "p2pkh" || kind === "p2wpkh" ? kind : undefined
}

const held = Symbol("held")

/** The spendable coins of one account and the unconfirmed transactions built on them. */
export class UtxoBook {
  /** Coins by outpoint: confirmed ones from the wallet, and change of pending transactions. */
  private readonly coins = new Map<string, Coin>()
  /** Outpoints that may not be chosen: spent by a pending transaction (its txid) or held for a plan being signed. */
  private readonly taken = new Map<string, string | typeof held>()
  /** Recorded, unconfirmed transactions of this account. */
  private readonly pending = new Map<string, RecordedSpend>()
  /** txid → the pending transactions spending any of its outputs. */
  private readonly spenders = new Map<string, Set<string>>()
  private heldBack = 0
  /** Change of restored transactions not yet checked against the node: never chosen until settled. */
  private readonly unchecked = new Set<string>()

  /** Replaces the wallet's view: confirmed, spendable p2pkh/p2wpkh coins; confirms pending transactions the listing shows confirmed. */
  load(listed: readonly ListedCoin[]): void {
    for (const l of listed) if (l.confirmations > 0 && this.pending.has(l.txid)) this.confirm(l.txid)
    for (const [key, coin] of this.coins) if (!this.pending.has(coin.txid)) this.coins.delete(key)
    this.heldBack = 0
    for (const l of listed) {
      const kind = spendableKind(l.scriptPubKey)
      if (!l.spendable || kind === undefined) continue
      if (l.confirmations === 0) {
        if (!this.pending.has(l.txid)) this.heldBack++
        continue
      }
      this.coins.set(keyOf(l), { txid: l.txid, vout: l.vout, satoshis: l.satoshis, scriptPubKey: l.scriptPubKey, kind })
      // The wallet lists it confirmed and unspent: nothing left to check.
      this.unchecked.delete(keyOf(l))
    }
    for (const key of this.unchecked) if (!this.coins.has(key)) this.unchecked.delete(key)
  }

  /** Keeps `inputs` out of later plans while their transaction is signed and recorded. */
  hold(inputs: readonly OutPoint[]): void {
    for (const i of inputs) if (!this.taken.has(keyOf(i))) this.taken.set(keyOf(i), held)
  }

  /** Gives back held inputs of a plan that was abandoned before it was recorded. */
  release(inputs: readonly OutPoint[]): void {
    for (const i of inputs) if (this.taken.get(keyOf(i)) === held) this.taken.delete(keyOf(i))
  }

  /**
   * A recorded, unconfirmed transaction: its inputs are spent, its change outputs are
   * spendable (unconfirmed). With `checkChange` (a transaction restored on takeover) its
   * change waits for `settleChange`. Idempotent.
   */
  reserve(spend: RecordedSpend, options: { readonly checkChange?: boolean } = {}): void {
    this.pending.set(spend.txid, spend)
    for (const i of spend.inputs) {
      this.taken.set(keyOf(i), spend.txid)
      const set = this.spenders.get(i.txid) ?? new Set<string>()
      set.add(spend.txid)
      this.spenders.set(i.txid, set)
    }
    for (const change of spend.change) {
      const kind = spendableKind(change.scriptPubKey)
      if (!kind) continue
      const key = keyOf({ txid: spend.txid, vout: change.vout })
      this.coins.set(key, { txid: spend.txid, vout: change.vout, satoshis: change.satoshis, scriptPubKey: change.scriptPubKey, kind })
      if (options.checkChange) this.unchecked.add(key)
    }
  }

  /** Restored change not yet checked against the node, and not spent by a pending transaction of the book (which is never chosen anyway). */
  uncheckedChange(): readonly OutPoint[] {
    return [...this.unchecked].flatMap((key) => {
      const coin = this.coins.get(key)
      return coin !== undefined && this.waitsForCheck(key) ? [{ txid: coin.txid, vout: coin.vout }] : []
    })
  }

  /** Whether any restored change waits for its check: asked on every run, so it allocates nothing when the answer is no. */
  hasUncheckedChange(): boolean {
    for (const key of this.unchecked) if (this.waitsForCheck(key)) return true
    return false
  }

  private waitsForCheck(key: string): boolean {
    return this.coins.has(key) && !this.taken.has(key)
  }

  /** What the node said of restored change `coin`: spent (in a block) and gone, or free to choose. */
  settleChange(coin: OutPoint, spent: boolean): void {
    this.unchecked.delete(keyOf(coin))
    if (spent) this.coins.delete(keyOf(coin))
  }

  /** A block confirmed `txid`: its inputs are gone for good, its change outputs are confirmed coins. */
  confirm(txid: string): void {
    const spend = this.pending.get(txid)
    if (!spend) return
    this.pending.delete(txid)
    this.forgetInputs(spend)
  }

  /**
   * `txid` can never confirm (a conflicting spend won, or it was never sent). Drops it
   * and every pending transaction built on its change, forgets their inputs (the next
   * `load` lists again those still unspent), and answers the dropped txids, `txid` first.
   */
  drop(txid: string): readonly string[] {
    if (!this.pending.has(txid)) return []
    const dropped = [txid, ...this.descendantsOf(txid)]
    for (const id of dropped) {
      const spend = this.pending.get(id)
      if (!spend) continue
      this.pending.delete(id)
      this.forgetInputs(spend)
      for (const change of spend.change) {
        this.coins.delete(keyOf({ txid: id, vout: change.vout }))
        this.unchecked.delete(keyOf({ txid: id, vout: change.vout }))
      }
    }
    return dropped
  }

  /** The plan that pays all of `outputs` at `satPerVbyte`, or why there is none. Changes nothing: `hold` the plan's inputs. */
  select(outputs: readonly TxOutput[], satPerVbyte: number, options: SelectionOptions): Result.Result<SpendPlan, SelectionError> {
    return selectCoins(this.candidates(), outputs, satPerVbyte, options)
  }

  /** The plan that pays the longest prefix of `outputs` (the batching lane), and why the rest are not paid. */
  selectPrefix(outputs: readonly TxOutput[], satPerVbyte: number, options: SelectionOptions): PrefixSelection {
    return selectPrefix(this.candidates(), outputs, satPerVbyte, options)
  }

  /** Unconfirmed transactions of this book that `txid` descends from (empty when it is confirmed or unknown). */
  ancestorsOf(txid: string): ReadonlySet<string> {
    const found = new Set<string>()
    const visit = (id: string): void => {
      const spend = this.pending.get(id)
      if (!spend || found.has(id)) return
      found.add(id)
      for (const i of spend.inputs) visit(i.txid)
    }
    visit(txid)
    found.delete(txid)
    return found
  }

  /** Pending transactions built on `txid`'s outputs, transitively. */
  descendantsOf(txid: string): readonly string[] {
    const found = new Set<string>()
    const queue = [txid]
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      for (const child of this.spenders.get(id) ?? []) {
        if (this.pending.has(child) && !found.has(child)) {
          found.add(child)
          queue.push(child)
        }
      }
    }
    return [...found]
  }

  /** The recorded transactions not yet confirmed. */
  pendingTxids(): readonly string[] {
    return [...this.pending.keys()]
  }

  /** Counts for logs and tests. */
  stats(): BookStats {
    let heldCount = 0
    for (const v of this.taken.values()) if (v === held) heldCount++
    return {
      spendable: this.candidates().length,
      unconfirmedOwn: [...this.coins.values()].filter((c) => this.pending.has(c.txid)).length,
      heldBack: this.heldBack,
      reserved: this.taken.size - heldCount,
      held: heldCount,
    }
  }

  private forgetInputs(spend: RecordedSpend): void {
    for (const i of spend.inputs) {
      this.taken.delete(keyOf(i))
      this.coins.delete(keyOf(i))
      this.unchecked.delete(keyOf(i))
      const set = this.spenders.get(i.txid)
      set?.delete(spend.txid)
      if (set?.size === 0) this.spenders.delete(i.txid)
    }
  }

  private candidates(): Candidate[] {
    const members = new Map<string, ChainMember>()
    const memberOf = (txid: string): ChainMember => {
      const known = members.get(txid)
      if (known) return known
      const descendants = this.descendantsOf(txid)
      const vsize = this.pending.get(txid)?.vsize ?? 0
      const member = { vsize, descendants: 1 + descendants.length, descendantsVsize: descendants.reduce((v, d) => v + (this.pending.get(d)?.vsize ?? 0), vsize) }
      members.set(txid, member)
      return member
    }
    const out: Candidate[] = []
    for (const [key, coin] of this.coins) {
      if (this.taken.has(key) || this.unchecked.has(key)) continue
      const ancestors = this.pending.has(coin.txid) ? [coin.txid, ...this.ancestorsOf(coin.txid)] : []
      out.push({ coin, ancestors: new Map(ancestors.map((a) => [a, memberOf(a)])) })
    }
    return out.sort(preferenceOrder)
  }
}
