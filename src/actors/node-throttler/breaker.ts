/**
 * The node's circuit breaker as a pure state machine. `closed` lets calls through and
 * counts consecutive failures; at the threshold it opens. `open` refuses calls until
 * the reset time, then a health probe may move it to `half-open`, where one success
 * closes it and one failure opens it again.
 */

/** Where the breaker is. */
export type BreakerState =
  | { readonly _tag: "closed"; readonly failures: number }
  | { readonly _tag: "open"; readonly until: number }
  | { readonly _tag: "half-open" }

/** What happened to a call or a probe. */
export type BreakerInput =
  | { readonly _tag: "success" }
  | { readonly _tag: "failure"; readonly now: number }
  | { readonly _tag: "tick"; readonly now: number }

/** The two limits that shape the breaker. */
export interface BreakerLimits {
  readonly failures: number
  readonly resetMs: number
}

/** A closed breaker with no failures counted. */
export const closedBreaker: BreakerState = { _tag: "closed", failures: 0 }

/** The next state: pure, so tests run it without I/O. */
export const transition = (state: BreakerState, input: BreakerInput, limits: BreakerLimits): BreakerState => {
  switch (input._tag) {
    case "success":
      return closedBreaker
    case "failure":
      if (state._tag === "closed" && state.failures + 1 < limits.failures) return { _tag: "closed", failures: state.failures + 1 }
      return { _tag: "open", until: input.now + limits.resetMs }
    case "tick":
      return state._tag === "open" && input.now >= state.until ? { _tag: "half-open" } : state
  }
}

/** Whether a call may be sent to the node in this state. */
export const admits = (state: BreakerState): boolean => state._tag !== "open"
