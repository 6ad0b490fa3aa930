/**
 * Summary statistics for bench samples. Benches keep every sample (a few
 * thousand latencies at most), so a sorted array is exact and simple; no
 * HDR histogram is needed. Percentiles use the nearest-rank definition, so a
 * reported p99 is always a latency that was actually observed.
 */

/** Latency-style summary of one sample set, in the samples' own unit. */
export interface Summary {
  readonly count: number
  readonly min: number
  readonly mean: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly max: number
}

/**
 * The nearest-rank `q`-quantile (0 < q <= 1) of an ascending array: the
 * smallest sample with at least q of all samples at or below it. Undefined
 * for an empty array, because no observed value exists to report.
 */
export const percentile = (sorted: ReadonlyArray<number>, q: number): number | undefined => {
  if (sorted.length === 0) return undefined
  if (!(q > 0 && q <= 1)) throw new RangeError(`percentile: q must be in (0, 1]; got ${q}`)
  // The epsilon keeps float noise (0.07 * 100 = 7.000000000000001) from skipping a rank.
  const rank = Math.ceil(q * sorted.length - 1e-9)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}

/** An ascending copy of `samples`; the input is left untouched. */
export const sortedCopy = (samples: ReadonlyArray<number>): ReadonlyArray<number> => Array.from(Float64Array.from(samples).sort())

/**
 * Count, min, mean, p50/p90/p99 and max of `samples`, or null when there are
 * none (a bench that measured nothing must say so, not report zeros).
 */
export const summarize = (samples: ReadonlyArray<number>): Summary | null => {
  if (samples.length === 0) return null
  const sorted = sortedCopy(samples)
  const at = (q: number): number => percentile(sorted, q) ?? Number.NaN
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    mean: sum / sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  }
}

/** Events per second over `elapsedMs`; 0 when no time has passed, so early progress reads cleanly. */
export const ratePerSecond = (count: number, elapsedMs: number): number => (elapsedMs > 0 ? (count * 1000) / elapsedMs : 0)

/**
 * Throughput over time: how many of `timesMs` (offsets from the run's start)
 * fall in each `bucketMs` window, as events per second. Returns one
 * `[windowStartSeconds, perSecond]` point per window up to `endMs`, empty
 * windows included, ready for a line chart.
 */
export const rateSeries = (
  timesMs: ReadonlyArray<number>,
  endMs: number,
  bucketMs = 1000,
): ReadonlyArray<readonly [number, number]> => {
  if (bucketMs <= 0) throw new RangeError(`rateSeries: bucketMs must be > 0; got ${bucketMs}`)
  const buckets = Math.max(1, Math.ceil(endMs / bucketMs))
  const counts = new Array<number>(buckets).fill(0)
  for (const t of timesMs) {
    const i = Math.min(buckets - 1, Math.max(0, Math.floor(t / bucketMs)))
    counts[i] = (counts[i] ?? 0) + 1
  }
  return counts.map((count, i): readonly [number, number] => [(i * bucketMs) / 1000, (count * 1000) / bucketMs])
}

/** Rounds to `digits` decimals, for figures stored in JSON and shown in tables. */
export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
