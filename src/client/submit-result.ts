/**
 * What `submit` answers: the index the leader applied the number at, or one tagged
 * failure saying why not. Plain data (JSON-friendly, compared with toEqual), never
 * thrown, so a bench can count failures by tag and a CLI can print `describeFailure`.
 */

/** The number was applied (now or, for a repeated request id, earlier) at `index`. */
export interface Submitted {
  readonly ok: true
  readonly requestId: string
  readonly index: number
  /** The replica that answered. */
  readonly node: string
  /** Where it answered. */
  readonly location: string
  /** HTTP attempts this submit made, including the one that succeeded. */
  readonly attempts: number
  /** The id had been applied before (an earlier attempt reached the leader but its answer was lost). */
  readonly duplicate: boolean
}

/** Why a location gave no usable answer. */
export type UnreachableReason = "no-location" | "timeout" | "unreachable" | "bad-answer" | "bad-location" | "not-leader" | "unavailable"

/** No attempt reached a serving leader, and the client was not allowed to go on (retry off, or no location known). */
export interface Unreachable {
  readonly ok: false
  readonly _tag: "Unreachable"
  readonly requestId: string
  readonly attempts: number
  /** The last location tried, if the registry named one. */
  readonly location: string | undefined
  readonly reason: UnreachableReason
  readonly detail: string
}

/** The service refused the request as invalid; nothing was applied and retrying cannot help. */
export interface Rejected {
  readonly ok: false
  readonly _tag: "Rejected"
  readonly requestId: string
  readonly attempts: number
  readonly field: string
  readonly rule: string
}

/** The deadline passed (or, with retry off, the one attempt timed out) before a leader answered. */
export interface Timeout {
  readonly ok: false
  readonly _tag: "Timeout"
  readonly requestId: string
  readonly attempts: number
  readonly location: string | undefined
  readonly afterMs: number
  /** What the last attempt ran into. */
  readonly last: UnreachableReason
}

/** A submit that did not apply the number. */
export type SubmitFailure = Unreachable | Rejected | Timeout

/** Everything `submit` can answer. */
export type SubmitResult = Submitted | SubmitFailure

/** One line that says what happened and what to try. */
export const describeFailure = (failure: SubmitFailure): string => {
  switch (failure._tag) {
    case "Rejected":
      return `request ${failure.requestId} refused: ${failure.field} ${failure.rule}; fix it and send it again (nothing was applied)`
    case "Timeout":
      return `request ${failure.requestId} not applied within ${failure.afterMs} ms after ${failure.attempts} attempt(s) (last: ${failure.last} at ${failure.location ?? "no location"}); retry with the same request id, it is applied at most once`
    case "Unreachable":
      return failure.reason === "no-location"
        ? `no location for the service: ${failure.detail}`
        : `request ${failure.requestId} not applied: ${failure.reason} at ${failure.location ?? "no location"} (${failure.detail}); retry with the same request id, it is applied at most once`
  }
}
