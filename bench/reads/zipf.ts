/**
 * The read mix: which of the hot addresses each client read asks for. A few
 * addresses get most reads (a Zipf law, rank k drawn in proportion to
 * 1/k^s), the way a wallet front end or an exchange's deposit page asks
 * about a few popular accounts far more often than the rest. The random
 * source is seeded, so two passes of a run ask in the same order and a test
 * can check the draw.
 */

/** Draws a rank index in [0, n): index 0 is the most asked-for address. */
export interface ZipfMix {
  readonly n: number
  readonly s: number
  readonly next: () => number
  /** The share of all draws rank `index` gets in the long run. */
  readonly share: (index: number) => number
}

/** mulberry32: a small seeded generator of uniform numbers in [0, 1); plenty for a read mix. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A Zipf mix over `n` ranks with exponent `s` (s = 0 is uniform), drawing with `random`. */
export const zipfMix = (n: number, s: number, random: () => number): ZipfMix => {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`zipfMix: n must be a whole number >= 1; got ${n}`)
  if (!(s >= 0)) throw new RangeError(`zipfMix: s must be >= 0; got ${s}`)
  const cdf = new Float64Array(n)
  let sum = 0
  for (let k = 1; k <= n; k++) {
    sum += 1 / k ** s
    cdf[k - 1] = sum
  }
  const total = sum
  return {
    n,
    s,
    next: () => {
      const u = random() * total
      // The smallest index whose cumulative weight reaches u.
      let lo = 0
      let hi = n - 1
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if ((cdf[mid] ?? total) < u) lo = mid + 1
        else hi = mid
      }
      return lo
    },
    share: (index) => (index < 0 || index >= n ? 0 : 1 / (index + 1) ** s / total),
  }
}
