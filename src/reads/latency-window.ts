/**
 * The latency of the last reads of one chain, for hedging: a read still unanswered after
 * the window's p95 is slower than 19 reads in 20, so a second node is likely to answer
 * first. Until the window holds enough reads to say, there is no p95 and no hedge.
 */

/** Reads needed before the p95 means anything. */
export const minSamples = 50

/** A ring of the last `capacity` latencies in ms. */
export const makeLatencyWindow = (capacity: number) => {
  const ring: number[] = []
  let next = 0
  let cached: number | undefined
  let sinceSort = 0
  return {
    add: (ms: number) => {
      if (ring.length < capacity) ring.push(ms)
      else ring[next] = ms
      next = (next + 1) % capacity
      sinceSort += 1
    },
    /** The 95th percentile in ms, re-sorted once every 32 new reads; undefined with fewer than `minSamples`. */
    p95: (): number | undefined => {
      if (ring.length < minSamples) return undefined
      if (cached === undefined || sinceSort >= 32) {
        const sorted = [...ring].sort((a, b) => a - b)
        cached = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]
        sinceSort = 0
      }
      return cached
    },
  }
}
