/**
 * The per-key rate limit at the intake's routes: charges the caller's API key for the
 * requests it would publish or the reads it asks, and answers 429 with `Retry-After` and
 * the `RateLimit-*` headers when its bucket is short. Nothing is published or asked
 * before the charge, so a refused call changes nothing.
 */
import type { Context } from "hono"
import type { KeyLimiter, RateVerdict } from "./rate-limit.ts"
import { presentedApiKey } from "./api-key.ts"
import { errorResponse, intakeError } from "./intake-errors.ts"

/** The headers that tell a client where its bucket stands. */
const rateHeaders = (v: RateVerdict): Record<string, string> => ({
  "RateLimit-Limit": String(v.limit),
  "RateLimit-Remaining": String(v.remaining),
  "RateLimit-Reset": String(v.resetS),
})

/**
 * Charges `n` to the caller's key: undefined when it fits (the success answer then
 * carries the headers), else the 429. No limiter: nothing is limited.
 */
export const chargeOrRefuse = (limiter: KeyLimiter | undefined, c: Context, n: number, what: string): Response | undefined => {
  if (limiter === undefined || n <= 0) return undefined
  const verdict = limiter.take(presentedApiKey(c.req.raw.headers) ?? "", n)
  const headers = rateHeaders(verdict)
  if (verdict.ok) {
    for (const [k, v] of Object.entries(headers)) c.header(k, v)
    return undefined
  }
  if (!Number.isFinite(verdict.retryAfterS)) {
    return errorResponse(intakeError(429, "rate_limited", `${n} ${what} is more than this API key may send at once on this intake host (${verdict.limit}, its share of [intake].rate_limit_burst); split it into parts of at most ${verdict.limit}`, { limit: verdict.limit }, headers))
  }
  return errorResponse(
    intakeError(429, "rate_limited", `this API key is over its rate on this intake host: ${n} ${what} do not fit in the ${verdict.remaining} left of ${verdict.limit}; nothing was accepted, retry after ${verdict.retryAfterS} s`, { limit: verdict.limit, remaining: verdict.remaining, retry_after_s: verdict.retryAfterS }, { ...headers, "Retry-After": String(verdict.retryAfterS) }),
  )
}
