/**
 * Change fan-out: how many change outputs a funded transaction gets, and what each holds.
 *
 * Bitcoin Core lets one unconfirmed transaction have at most 24 unconfirmed descendants,
 * so an account's coin pays at most 25 transactions a block however its change is split:
 * every one of them descends from the transaction that spent the coin. Split change
 * becomes N confirmed coins at the next block, each the root of its own tree of 25, so
 * an account holding N coins pays 25·N a block. With simnet's 2 s blocks one coin is
 * 12.5 payments/s; sixteen are 200/s.
 *
 * Each piece is worth at least `maxChain` payments like the one being made, with their
 * fee (`floor`): a piece's tree then never runs dry within a block, where the book would
 * join two coins in one transaction and so two trees' ancestors. The pieces are equal,
 * the last one takes the odd satoshis, and the transaction with them must still fit the
 * weight and chain limits (`fits`), or it gets fewer.
 */
import { feeFor, vsizeOfWeight } from "./tx-size.ts"

/** What the split needs to know about a funded plan. */
export interface SplitInput {
  /** The inputs less the payments: fee and change. */
  readonly change: bigint
  readonly changeDust: bigint
  readonly satPerVbyte: number
  /** Change outputs wanted: the coin target less the coins left (1 or less: no fan-out). */
  readonly wanted: number
  /** The least a piece may hold, given the fee of a transaction with one change output. */
  readonly floor: (oneChangeFee: bigint) => bigint
  /** The transaction's weight with this many change outputs. */
  readonly weightOf: (changes: number) => number
  /** True when a transaction of this weight keeps the weight and chain limits. */
  readonly fits: (weight: number) => boolean
}

/** The change outputs, the fee and the vsize of a split. */
export interface Split {
  readonly pieces: readonly bigint[]
  readonly fee: bigint
  readonly vsize: number
}

const withChanges = (s: SplitInput, n: number) => {
  const weight = s.weightOf(n)
  const vsize = vsizeOfWeight(weight)
  const fee = feeFor(vsize, s.satPerVbyte)
  return { n, weight, vsize, fee, total: s.change - fee }
}

/** The split of `s.change` (see the module comment); undefined when even one change output would be dust, so the remainder goes to the fee. */
export const changeSplit = (s: SplitInput): Split | undefined => {
  const one = withChanges(s, 1)
  if (one.total < s.changeDust) return undefined
  const floor = s.floor(one.fee)
  const piece = floor > s.changeDust ? floor : s.changeDust
  let best = one
  for (let n = Math.min(s.wanted, Number(one.total / piece)); n >= 2; n--) {
    const split = withChanges(s, n)
    if (split.total >= BigInt(n) * piece && s.fits(split.weight)) {
      best = split
      break
    }
  }
  const each = best.total / BigInt(best.n)
  const pieces = Array.from({ length: best.n }, (_, i) => (i === best.n - 1 ? best.total - each * BigInt(best.n - 1) : each))
  return { pieces, fee: best.fee, vsize: best.vsize }
}
