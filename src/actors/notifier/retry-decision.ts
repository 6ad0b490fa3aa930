/**
 * What happens after a failed attempt: another attempt after the backoff
 * (`webhookRetryDelayMs`, runtime/schedules.ts), or parking once `[webhooks].retry_for_s`
 * has passed since the first attempt. The last retry is pulled in to the deadline rather
 * than skipped, so a receiver that comes back just before it still gets the event.
 */

/** Another attempt at `at` (epoch ms), or park now. */
export type RetryDecision = { readonly _tag: "retry"; readonly at: number } | { readonly _tag: "park" }

/** The decision after the `attempts`th failed attempt at `now`, the first having been at `firstAt`. */
export const afterFailure = (args: { readonly firstAt: number; readonly attempts: number; readonly now: number; readonly retryForMs: number; readonly delayMs: (attempt: number) => number }): RetryDecision => {
  const deadline = args.firstAt + args.retryForMs
  if (args.now >= deadline) return { _tag: "park" }
  return { _tag: "retry", at: Math.min(args.now + args.delayMs(args.attempts), deadline) }
}
