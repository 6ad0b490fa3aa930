/**
 * The adaptive in-flight cap (AIMD, as TCP does with its window): halve the cap when the
 * node says it is overloaded or its latency climbs well above the healthy baseline; add
 * one after a run of healthy calls. Never above the configured `max_in_flight`, never
 * below 1. Pure, so the policy is tested without a node.
 */

/** The cap and what it learned about the node. */
export interface AdaptiveState {
  readonly limit: number
  /** Smoothed latency of healthy calls (ms); the baseline rising latency is judged against. */
  readonly baselineMs: number | undefined
  /** Healthy calls since the last change. */
  readonly streak: number
}

/** What one finished call tells the policy. */
export type CallObservation =
  | { readonly _tag: "ok"; readonly latencyMs: number }
  | { readonly _tag: "overloaded" }

/** The knobs; the defaults suit JSON-RPC nodes on a LAN. */
export interface AdaptivePolicy {
  readonly max: number
  /** Latency above `baseline × slowFactor` counts as a sign of overload. */
  readonly slowFactor: number
  /** Healthy calls needed before the cap grows by one. */
  readonly growAfter: number
  /** Weight of a new sample in the smoothed baseline. */
  readonly alpha: number
}

/** The starting state: the full configured cap. */
export const initialAdaptive = (max: number): AdaptiveState => ({ limit: max, baselineMs: undefined, streak: 0 })

/** The default policy for a node whose cap is `max`. */
export const defaultPolicy = (max: number): AdaptivePolicy => ({ max, slowFactor: 3, growAfter: 20, alpha: 0.05 })

/** The next state after one observation. */
export const adapt = (state: AdaptiveState, obs: CallObservation, policy: AdaptivePolicy): AdaptiveState => {
  const shrink = (): AdaptiveState => ({ ...state, limit: Math.max(1, Math.floor(state.limit / 2)), streak: 0 })
  if (obs._tag === "overloaded") return shrink()
  const baseline = state.baselineMs
  // A floor of 5 ms keeps a very fast idle node from calling ordinary jitter "slow".
  if (baseline !== undefined && obs.latencyMs > Math.max(5, baseline) * policy.slowFactor) {
    return { ...shrink(), baselineMs: baseline }
  }
  const baselineMs = baseline === undefined ? obs.latencyMs : baseline + policy.alpha * (obs.latencyMs - baseline)
  const streak = state.streak + 1
  if (streak >= policy.growAfter && state.limit < policy.max) return { limit: state.limit + 1, baselineMs, streak: 0 }
  return { limit: state.limit, baselineMs, streak: Math.min(streak, policy.growAfter) }
}
