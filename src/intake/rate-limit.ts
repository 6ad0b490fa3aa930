/**
 * Per-API-key rate limits: a token bucket per key that refills at `ratePerS` up to
 * `burst`. A submission takes one token per request it would publish (a batch of 500
 * takes 500), a read one per JSON-RPC call. Pure: the clock is passed in, so the table
 * tests run without waiting.
 */

/** What one charge found. */
export interface RateVerdict {
  readonly ok: boolean
  /** The bucket's size: the most a key may send at once. */
  readonly limit: number
  /** Whole tokens left after this charge (or before it, when refused). */
  readonly remaining: number
  /** Seconds until the bucket is full again. */
  readonly resetS: number
  /** When refused: seconds until this charge would fit; Infinity when it is larger than the bucket. */
  readonly retryAfterS: number
}

/** The buckets of one intake host. */
export interface KeyLimiter {
  readonly take: (key: string, n: number) => RateVerdict
}

/** A limiter granting each key `ratePerS` a second with bursts up to `burst`. */
export const makeKeyLimiter = (ratePerS: number, burst: number, now: () => number = () => performance.now()): KeyLimiter => {
  const buckets = new Map<string, { tokens: number; at: number }>()
  return {
    take: (key, n) => {
      const t = now()
      const b = buckets.get(key) ?? { tokens: burst, at: t }
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * ratePerS)
      b.at = t
      buckets.set(key, b)
      const ok = n <= b.tokens
      if (ok) b.tokens -= n
      const resetS = Math.ceil((burst - b.tokens) / ratePerS)
      const retryAfterS = ok ? 0 : n > burst ? Number.POSITIVE_INFINITY : Math.max(1, Math.ceil((n - b.tokens) / ratePerS))
      return { ok, limit: burst, remaining: Math.floor(b.tokens), resetS, retryAfterS }
    },
  }
}

/** This host's share of a deployment-wide limit: the producer hosts split it evenly. */
export const hostShare = (deploymentRps: number, deploymentBurst: number, producerHosts: number): { readonly ratePerS: number; readonly burst: number } => {
  const hosts = Math.max(1, producerHosts)
  return { ratePerS: deploymentRps / hosts, burst: Math.max(1, Math.floor(deploymentBurst / hosts)) }
}
