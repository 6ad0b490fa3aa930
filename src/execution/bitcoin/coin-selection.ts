/**
 * Coin selection: which coins pay a list of outputs plus the fee, and whether there is
 * change. Pure: the UTXO book hands it the spendable coins with their unconfirmed
 * ancestors, and it answers a plan or the reason there is none.
 *
 * The rules, in order of what they protect:
 * - No output may be dust: the node would refuse the whole transaction.
 * - The new transaction and its unconfirmed ancestors stay within Bitcoin Core's
 *   mempool limits, or Core refuses it ("too-long-mempool-chain"): at most 25
 *   transactions counting itself, and at most 101 kvB, on the ancestor side and on the
 *   descendant side of every ancestor. btcd has no such limit, so a chain that works
 *   against btcd would fail against Core; and a chain of big batches reaches the size
 *   limit long before the count (six 500-output batches are about 100 kvB).
 * - Confirmed coins first (largest first, so few inputs), then unconfirmed change with
 *   the fewest ancestors: a long chain of unconfirmed change is the thing to avoid.
 * - At most `maxInputs` inputs, and the signed transaction within the standard weight.
 * - Change only when it is above dust; otherwise the remainder goes to the fee.
 * - Change fan-out (change-split.ts): when fewer than `fanoutCoins` coins would be left
 *   after this transaction, its change is split to make up the difference, each piece
 *   worth at least `maxChain` payments like this one with their fee.
 *
 * `selectPrefix` serves the batching lane: payouts go in arrival order, and it pays the
 * longest prefix that fits. Whether a prefix can be paid only grows harder with its
 * length (the coins are tried in one fixed order), so a binary search finds it.
 */
import { Data, Result } from "effect"
import type { OutPoint, TxOutput } from "./raw-transaction.ts"
import { changeSplit } from "./change-split.ts"
import { dustThreshold, feeFor, inputWeight, outputWeight, overheadWeight, vsizeOfWeight, type SpendableKind } from "./tx-size.ts"

/** A coin the account may spend. */
export interface Coin extends OutPoint {
  readonly satoshis: bigint
  readonly scriptPubKey: string
  readonly kind: SpendableKind
}

/** One unconfirmed transaction a coin descends from, with its own descendant package (itself included). */
export interface ChainMember {
  readonly vsize: number
  readonly descendants: number
  readonly descendantsVsize: number
}

/** A spendable coin as the book offers it, with its unconfirmed ancestors by txid (its own transaction included when unconfirmed). */
export interface Candidate {
  readonly coin: Coin
  readonly ancestors: ReadonlyMap<string, ChainMember>
}

/** Limits and the change script. */
export interface SelectionOptions {
  /** Where change goes (the account's change address as a script). */
  readonly changeScript: string
  /** Most inputs in one transaction. Default 200. */
  readonly maxInputs?: number
  /** Core's -limitancestorcount and -limitdescendantcount, the new transaction counted. Default 25. */
  readonly maxChain?: number
  /** Core's -limitancestorsize and -limitdescendantsize in vbytes, the new transaction counted. Default 101,000. */
  readonly maxChainVsize?: number
  /** Core's and btcd's standard weight limit. Default 400,000 (100,000 vbytes). */
  readonly maxWeight?: number
  /** Dust relay fee in sat/kvB. Default 3000. */
  readonly dustRelaySatPerKvb?: number
  /**
   * How many spendable coins the account should hold: while fewer would be left after
   * this transaction (confirmed coins and the book's own unconfirmed change, whatever
   * room their chains have), the change is split to make up the difference, each piece
   * worth at least `maxChain` × (payments + fee). Default 1 (one change output).
   */
  readonly fanoutCoins?: number
}

/** One change output of a plan. */
export interface ChangeOutput {
  readonly vout: number
  readonly satoshis: bigint
}

/** What to sign: inputs in order, outputs in order (the payouts, then the change outputs). */
export interface SpendPlan {
  readonly inputs: readonly Coin[]
  readonly outputs: readonly TxOutput[]
  /** The change outputs, in vout order, always after the payouts (empty when the remainder went to the fee). */
  readonly change: readonly ChangeOutput[]
  readonly fee: bigint
  /** Estimated virtual size once signed (an upper bound). */
  readonly vsize: number
  /** How many unconfirmed transactions the new one would descend from. */
  readonly unconfirmedAncestors: number
}

/** Output `index` is below the dust threshold; the node would refuse the transaction. */
export class DustOutput extends Data.TaggedError("DustOutput")<{ readonly index: number; readonly satoshis: bigint; readonly threshold: bigint }> {
  override get message() {
    return `output ${this.index} pays ${this.satoshis} sat, below the dust threshold of ${this.threshold} sat; pay at least that much`
  }
}

/**
 * The spendable coins cannot pay the outputs and fee. `limitedBy` says what stopped it:
 * the coins themselves, the input limit, or coins left out because spending them
 * would make the unconfirmed chain too long (these become spendable as blocks confirm).
 */
export class CannotFund extends Data.TaggedError("CannotFund")<{
  readonly needed: bigint
  readonly gathered: bigint
  readonly limitedBy: "funds" | "max-inputs" | "chain-limit"
}> {
  override get message() {
    return `insufficient funds: ${this.needed} sat needed, ${this.gathered} sat gathered (limited by ${this.limitedBy})`
  }
}

/** The outputs alone make a transaction above the standard weight. */
export class TooLarge extends Data.TaggedError("TooLarge")<{ readonly weight: number; readonly maxWeight: number }> {
  override get message() {
    return `transaction of weight ${this.weight} exceeds the standard limit ${this.maxWeight}; split the outputs`
  }
}

/** Why no plan exists. */
export type SelectionError = DustOutput | CannotFund | TooLarge

const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n)

/** The order coins are tried in: confirmed largest first, then unconfirmed by fewest ancestors, largest first. */
export const preferenceOrder = (a: Candidate, b: Candidate): number => {
  if (a.ancestors.size !== b.ancestors.size) return a.ancestors.size - b.ancestors.size
  if (a.coin.satoshis !== b.coin.satoshis) return a.coin.satoshis > b.coin.satoshis ? -1 : 1
  return a.coin.txid === b.coin.txid ? a.coin.vout - b.coin.vout : a.coin.txid < b.coin.txid ? -1 : 1
}

const firstDust = (outputs: readonly TxOutput[], dustRelay: number): DustOutput | undefined => {
  for (let index = 0; index < outputs.length; index++) {
    const o = outputs[index]
    if (o === undefined) continue
    const threshold = dustThreshold(o.scriptPubKey, dustRelay)
    if (o.satoshis < threshold) return new DustOutput({ index, satoshis: o.satoshis, threshold })
  }
  return undefined
}

interface ChainLimits {
  readonly count: number
  readonly vsize: number
}

/** True when a transaction of `vsize` descending from `chain` keeps every chain limit. */
const fitsChain = (chain: ReadonlyMap<string, ChainMember>, vsize: number, limits: ChainLimits): boolean => {
  if (chain.size === 0) return true
  if (chain.size + 1 > limits.count) return false
  let ancestorsVsize = vsize
  for (const m of chain.values()) {
    ancestorsVsize += m.vsize
    if (m.descendants + 1 > limits.count || m.descendantsVsize + vsize > limits.vsize) return false
  }
  return ancestorsVsize <= limits.vsize
}

/** `chain` with the ancestors of `c` added. */
const withAncestors = (chain: ReadonlyMap<string, ChainMember>, c: Candidate): ReadonlyMap<string, ChainMember> =>
  c.ancestors.size === 0 ? chain : new Map([...chain, ...c.ancestors])

/**
 * Chooses coins from `candidates` (already in `preferenceOrder`) for `outputs` at
 * `satPerVbyte`. Outputs keep their order; the change outputs, if any, are appended.
 */
export const selectCoins = (
  candidates: readonly Candidate[],
  outputs: readonly TxOutput[],
  satPerVbyte: number,
  options: SelectionOptions,
): Result.Result<SpendPlan, SelectionError> => {
  const maxInputs = options.maxInputs ?? 200
  const limits = { count: options.maxChain ?? 25, vsize: options.maxChainVsize ?? 101_000 }
  const maxWeight = options.maxWeight ?? 400_000
  const dustRelay = options.dustRelaySatPerKvb ?? 3000
  const dust = firstDust(outputs, dustRelay)
  if (dust) return Result.fail(dust)
  const pay = sum(outputs.map((o) => o.satoshis))
  const outputsWeight = outputs.reduce((w, o) => w + outputWeight(o.scriptPubKey), 0)
  const changeWeight = outputWeight(options.changeScript)
  const changeDust = dustThreshold(options.changeScript, dustRelay)
  const weightWith = (inputs: number, segwit: boolean, inputsWeight: number, changes: number): number =>
    overheadWeight(inputs, outputs.length + changes, segwit) + inputsWeight + outputsWeight + changes * changeWeight
  const bare = weightWith(1, false, inputWeight("p2pkh"), 0)
  if (bare > maxWeight) return Result.fail(new TooLarge({ weight: bare, maxWeight }))

  const chosen: Coin[] = []
  let chain: ReadonlyMap<string, ChainMember> = new Map()
  let gathered = 0n
  let inputsWeight = 0
  let segwit = false
  let skippedForChain = false
  for (const c of candidates) {
    if (chosen.length >= maxInputs) break
    const nextWeight = inputsWeight + inputWeight(c.coin.kind)
    const weight = weightWith(chosen.length + 1, segwit || c.coin.kind === "p2wpkh", nextWeight, 1)
    if (weight > maxWeight) return Result.fail(new TooLarge({ weight, maxWeight }))
    const nextChain = withAncestors(chain, c)
    if (!fitsChain(nextChain, vsizeOfWeight(weight), limits)) {
      skippedForChain = true
      continue
    }
    chosen.push(c.coin)
    chain = nextChain
    gathered += c.coin.satoshis
    inputsWeight = nextWeight
    segwit ||= c.coin.kind === "p2wpkh"
    const feeBare = feeFor(vsizeOfWeight(weightWith(chosen.length, segwit, inputsWeight, 0)), satPerVbyte)
    if (gathered < pay + feeBare) continue
    const common = { inputs: chosen, unconfirmedAncestors: chain.size }
    const split = changeSplit({
      change: gathered - pay,
      changeDust,
      satPerVbyte,
      wanted: (options.fanoutCoins ?? 1) - (candidates.length - chosen.length),
      floor: (fee) => BigInt(limits.count) * (pay + fee),
      weightOf: (changes) => weightWith(chosen.length, segwit, inputsWeight, changes),
      fits: (weight) => weight <= maxWeight && fitsChain(chain, vsizeOfWeight(weight), limits),
    })
    if (split !== undefined) {
      const change = split.pieces.map((satoshis, i) => ({ vout: outputs.length + i, satoshis }))
      return Result.succeed({
        ...common,
        outputs: [...outputs, ...split.pieces.map((satoshis) => ({ satoshis, scriptPubKey: options.changeScript }))],
        change,
        fee: split.fee,
        vsize: split.vsize,
      })
    }
    return Result.succeed({ ...common, outputs, change: [], fee: gathered - pay, vsize: vsizeOfWeight(weightWith(chosen.length, segwit, inputsWeight, 0)) })
  }
  const needed = pay + feeFor(vsizeOfWeight(weightWith(Math.max(1, chosen.length), segwit, Math.max(inputsWeight, inputWeight("p2pkh")), 0)), satPerVbyte)
  const limitedBy = chosen.length >= maxInputs ? "max-inputs" : skippedForChain ? "chain-limit" : "funds"
  return Result.fail(new CannotFund({ needed, gathered, limitedBy }))
}

/** An output the batching lane could not put in this transaction, and why. */
export interface Unpaid {
  readonly index: number
  readonly error: SelectionError
}

/** The longest payable prefix: the plan (absent when nothing fits), which outputs it pays, and the rest with the reason. */
export interface PrefixSelection {
  readonly plan?: SpendPlan
  /** Indices into the outputs given, in order; output `paid[i]` is vout i of the plan. */
  readonly paid: readonly number[]
  readonly unpaid: readonly Unpaid[]
}

/**
 * Pays the longest prefix of `outputs` that the coins can fund. Dust outputs are set
 * aside first (each fails on its own, without stopping the ones after it); the first
 * output past the prefix carries the reason the prefix ends, and so do the rest.
 */
export const selectPrefix = (
  candidates: readonly Candidate[],
  outputs: readonly TxOutput[],
  satPerVbyte: number,
  options: SelectionOptions,
): PrefixSelection => {
  const dustRelay = options.dustRelaySatPerKvb ?? 3000
  const unpaid: Unpaid[] = []
  const payable: number[] = []
  outputs.forEach((o, index) => {
    const threshold = dustThreshold(o.scriptPubKey, dustRelay)
    if (o.satoshis < threshold) unpaid.push({ index, error: new DustOutput({ index, satoshis: o.satoshis, threshold }) })
    else payable.push(index)
  })
  const attempt = (k: number) => selectCoins(candidates, payable.slice(0, k).map((i) => outputs[i] as TxOutput), satPerVbyte, options)
  const failures = new Map<number, SelectionError>()
  let best: SpendPlan | undefined
  let lo = 0
  let hi = payable.length
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    const r = attempt(mid)
    if (Result.isSuccess(r)) {
      best = r.success
      lo = mid
    } else {
      failures.set(mid, r.failure)
      hi = mid - 1
    }
  }
  if (lo < payable.length) {
    const next = failures.get(lo + 1) ?? Result.match(attempt(lo + 1), { onSuccess: () => undefined, onFailure: (e) => e })
    for (const index of payable.slice(lo)) if (next) unpaid.push({ index, error: next })
  }
  unpaid.sort((a, b) => a.index - b.index)
  return { ...(best ? { plan: best } : {}), paid: payable.slice(0, lo), unpaid }
}
