/**
 * The adaptive in-flight cap (AIMD, as TCP does with its window): halve the cap when the
 * node says it is overloaded or its latency climbs well above the healthy baseline; add
 * one after a run of healthy calls. Never above the configured `max_in_flight`, never
 * below 1. Pure, so the policy is tested without a node.
 *
 * Two rules keep one episode of slowness from being counted many times, as TCP halves
 * its window once per round trip and not once per lost packet:
 *
 * - A call sent before the cap was last lowered cannot lower it again: it was sent under
 *   the old cap, and says nothing about the new one. Without this rule the eight calls of
 *   a cap of 8, slow together, halved it eight times, to 1.
 * - The baseline follows slow calls too, four times more slowly than healthy ones, so a
 *   lasting change (a busier chain, a host short of CPU) becomes the new normal instead
 *   of holding the cap at 1 for good. Measured with `gateway bench drain` on the 2-core
 *   stack: every call of a drain took 15–40 ms against an idle baseline of 2 ms, and the
 *   old rule held anvil's cap at 1 through the whole burst.
 */

/** The cap and what it learned about the node. */
export interface AdaptiveState {
  readonly limit: number
  /** Smoothed latency of calls (ms); the baseline rising latency is judged against. */
  readonly baselineMs: number | undefined
  /** Healthy calls since the last change. */
  readonly streak: number
  /** When the cap was last lowered (the caller's clock, ms); calls sent before it cannot lower it again. */
  readonly loweredAt: number
}

/** What one finished call tells the policy; `startedAt` is when it was sent, on the caller's clock. */
export type CallObservation =
  | { readonly _tag: "ok"; readonly latencyMs: number; readonly startedAt: number }
  | { readonly _tag: "overloaded"; readonly startedAt: number }

/** The knobs; the defaults suit JSON-RPC nodes on a LAN. */
export interface AdaptivePolicy {
  readonly max: number
  /** Latency above `baseline × slowFactor` counts as a sign of overload. */
  readonly slowFactor: number
  /** Healthy calls needed before the cap grows by one. */
  readonly growAfter: number
  /** Weight of a healthy call's latency in the smoothed baseline. */
  readonly alpha: number
  /** Weight of a slow call's latency in the baseline (smaller: a lasting change is adopted, a spike hardly moves it). */
  readonly slowAlpha: number
}

/** The starting state: the full configured cap. */
export const initialAdaptive = (max: number): AdaptiveState => ({ limit: max, baselineMs: undefined, streak: 0, loweredAt: Number.NEGATIVE_INFINITY })

/** The default policy for a node whose cap is `max`. */
export const defaultPolicy = (max: number): AdaptivePolicy => ({ max, slowFactor: 3, growAfter: 20, alpha: 0.05, slowAlpha: 0.0125 })

/** The next state after one observation finished at `now` (the caller's clock, as `startedAt`). */
export const adapt = (state: AdaptiveState, obs: CallObservation, policy: AdaptivePolicy, now: number): AdaptiveState => {
  // A call sent before the last lowering cannot lower the cap again (see the module comment).
  const lowered = (baselineMs: number | undefined): AdaptiveState =>
    obs.startedAt >= state.loweredAt
      ? { limit: Math.max(1, Math.floor(state.limit / 2)), baselineMs, streak: 0, loweredAt: now }
      : { ...state, baselineMs, streak: 0 }
  if (obs._tag === "overloaded") return lowered(state.baselineMs)
  const baseline = state.baselineMs
  // A floor of 5 ms keeps a very fast idle node from calling ordinary jitter "slow".
  if (baseline !== undefined && obs.latencyMs > Math.max(5, baseline) * policy.slowFactor) {
    return lowered(baseline + policy.slowAlpha * (obs.latencyMs - baseline))
  }
  const baselineMs = baseline === undefined ? obs.latencyMs : baseline + policy.alpha * (obs.latencyMs - baseline)
  const streak = state.streak + 1
  if (streak >= policy.growAfter && state.limit < policy.max) return { ...state, limit: state.limit + 1, baselineMs, streak: 0 }
  return { ...state, baselineMs, streak: Math.min(streak, policy.growAfter) }
}
