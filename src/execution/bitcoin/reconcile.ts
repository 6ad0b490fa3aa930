/**
 * Reconciliation: before a Bitcoin request that may already have been sent is sent
 * again, look for it in the wallet. A wallet transaction matches when it pays every
 * output of the request (address and amount), was made no earlier than the request was
 * accepted, and is not already claimed by another request. Pure, so every case is a
 * table row in the test.
 */

/** The part of a `listtransactions` entry reconciliation reads. */
export interface WalletEntry {
  readonly category: string
  readonly address?: string
  readonly amount: number
  readonly txid: string
  /** Unix seconds. */
  readonly time: number
}

/** The outputs one request pays, as address → amount in BTC (decimal string). */
export type Outputs = Readonly<Record<string, string>>

const sats = (btc: number | string): bigint => {
  const [whole, frac = ""] = String(Math.abs(Number(btc)).toFixed(8)).split(".")
  return BigInt(whole ?? "0") * 100_000_000n + BigInt((frac + "00000000").slice(0, 8))
}

/**
 * The txid of the wallet transaction that already carried out this request, if any.
 * `sinceMs` is when the request was accepted; a minute of slack absorbs clock skew
 * between the intake host and the wallet.
 */
export const findSent = (
  outputs: Outputs,
  entries: readonly WalletEntry[],
  claimed: ReadonlySet<string>,
  sinceMs: number,
): string | undefined => {
  const wanted = Object.entries(outputs).map(([address, amount]) => ({ address, sats: sats(amount) }))
  const byTx = new Map<string, WalletEntry[]>()
  for (const e of entries) {
    if (e.category !== "send" || e.time * 1000 < sinceMs - 60_000 || claimed.has(e.txid)) continue
    byTx.set(e.txid, [...(byTx.get(e.txid) ?? []), e])
  }
  for (const [txid, sends] of byTx) {
    const paysAll = wanted.every((w) => sends.some((s) => s.address === w.address && sats(s.amount) === w.sats))
    if (paysAll) return txid
  }
  return undefined
}
