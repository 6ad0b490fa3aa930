/**
 * EIP-1559 fees for the transactions the gateway signs, and how a stuck one is priced
 * again. Pure, so every rule is a table row in the test.
 *
 * - A fresh transaction offers `tip` (the node's suggested priority fee, at most the
 *   configured tip cap) and a max fee of twice the current base fee plus the tip, so it
 *   stays includable through several blocks of rising base fee.
 * - A replacement (same nonce) must raise BOTH the tip and the max fee by at least the
 *   node's replacement minimum (geth: 10 %); it also rises to what a fresh transaction
 *   would offer now, whichever is higher.
 * - Nothing is ever offered above the fee cap. A replacement the market would price
 *   above it offers the cap itself (mined as soon as the base fee falls under it); one
 *   whose minimum raise would pass the cap is left as it is, and says so.
 */

/** Fees of one signed version, in wei per gas. */
export interface Fees {
  readonly maxFee: bigint
  readonly tip: bigint
}

/** The fee settings of `[chains.ethereum]`, in wei per gas. */
export interface FeeSettings {
  /** Most a transaction may ever offer per gas (max fee). */
  readonly feeCap: bigint
  /** Most priority fee offered, however much the node suggests. */
  readonly tipCap: bigint
  /** A replacement raises both fees by at least this many percent. */
  readonly bumpPercent: number
}

/** What the chain asks for now. */
export interface FeeMarket {
  readonly baseFee: bigint
  /** The node's `eth_maxPriorityFeePerGas`. */
  readonly suggestedTip: bigint
}

const minBigint = (a: bigint, b: bigint) => (a < b ? a : b)
const maxBigint = (a: bigint, b: bigint) => (a > b ? a : b)

/** Fees for a new transaction at `market`, within the caps. */
export const freshFees = (market: FeeMarket, settings: FeeSettings): Fees => {
  const tip = minBigint(market.suggestedTip, settings.tipCap)
  const maxFee = minBigint(market.baseFee * 2n + tip, settings.feeCap)
  return { maxFee, tip: minBigint(tip, maxFee) }
}

/** `value` raised by `percent` percent, rounded up, and by at least 1 wei. */
export const raisedBy = (value: bigint, percent: number): bigint => {
  const scaled = (value * BigInt(Math.round(percent * 100)) + 9_999n) / 10_000n
  return value + maxBigint(scaled, 1n)
}

/**
 * The fees of a replacement for `current`: at least the minimum raise of both, up to what a
 * fresh transaction would offer now, never above the cap; `capped` when the cap does not
 * leave room for the minimum raise.
 */
export const bumpedFees = (current: Fees, market: FeeMarket, settings: FeeSettings): { readonly _tag: "bumped"; readonly fees: Fees } | { readonly _tag: "capped" } => {
  const fresh = freshFees(market, settings)
  const tip = maxBigint(raisedBy(current.tip, settings.bumpPercent), fresh.tip)
  const least = maxBigint(raisedBy(current.maxFee, settings.bumpPercent), tip)
  if (least > settings.feeCap) return { _tag: "capped" }
  // Both are within the cap: `least` was just checked, and a fresh offer never exceeds it.
  return { _tag: "bumped", fees: { maxFee: maxBigint(least, fresh.maxFee), tip } }
}

/** True when a transaction offering `fees` can be included in a block of `baseFee`. */
export const includable = (fees: Fees, baseFee: bigint): boolean => fees.maxFee >= baseFee
