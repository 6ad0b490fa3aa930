/**
 * Bitcoin amounts across JSON-RPC, without losing a satoshi. Both wallets answer amounts
 * as JSON numbers in BTC (`"amount": 48.9999`); `JSON.parse` turns them into doubles.
 * Multiplying a double by 1e8 is where satoshis get lost, so the number is written back
 * as the shortest decimal that reads back to the same double (what `String` does; for
 * any amount with at most 8 decimals and at most 21e6 BTC that is the amount itself,
 * possibly with an exponent, e.g. "1e-8") and that decimal is scaled as text.
 *
 * Going the other way, Bitcoin Core reads an amount given as a string exactly
 * (`AmountFromValue` accepts numbers and strings), so amounts for `bitcoind` are sent as
 * 8-decimal strings. btcwallet/btcd decode amounts into a Go float64 and round
 * amount × 1e8, which is exact for the same range, so they get numbers.
 */

const decimal = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i

/** Satoshis in at most 21 million BTC. */
export const maxSatoshis = 21_000_000n * 100_000_000n

/**
 * The satoshis of a BTC amount a node answered as a JSON number; `undefined` when it is
 * negative, not finite, finer than a satoshi, or above 21 million BTC.
 */
export const satoshisOfJsonAmount = (btc: number): bigint | undefined => {
  if (!Number.isFinite(btc) || btc < 0) return undefined
  const match = decimal.exec(String(btc))
  if (!match) return undefined
  const [, whole = "0", fraction = "", exponent = "0"] = match
  const digits = `${whole}${fraction}`
  // The decimal point sits after `whole`; shift it by the exponent and by the 8 places of a satoshi.
  const shift = Number(exponent) - fraction.length + 8
  if (shift < 0) {
    const dropped = digits.slice(digits.length + shift)
    if (/[^0]/.test(dropped)) return undefined
    const kept = digits.slice(0, digits.length + shift)
    return bounded(BigInt(kept === "" ? "0" : kept))
  }
  return bounded(BigInt(digits) * 10n ** BigInt(shift))
}

const bounded = (sats: bigint): bigint | undefined => (sats <= maxSatoshis ? sats : undefined)

/** `sats` as an 8-decimal BTC string, e.g. 100000 → "0.00100000" (Bitcoin Core reads it exactly). */
export const btcString = (sats: bigint): string => {
  const whole = sats / 100_000_000n
  const fraction = (sats % 100_000_000n).toString().padStart(8, "0")
  return `${whole}.${fraction}`
}

/** `sats` as the JSON number btcd expects; exact after btcd's round(amount × 1e8) for every amount up to 21e6 BTC. */
export const btcNumber = (sats: bigint): number => Number(btcString(sats))
