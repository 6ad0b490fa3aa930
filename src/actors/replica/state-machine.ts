/**
 * The replicated service's state machine, pluggable. Every replica applies the same
 * log entries in the same order through it, so `apply` must be deterministic: no clock,
 * no randomness, no I/O, and no throwing (a payload it cannot use is a no-op).
 */

/** A deterministic state machine over JSON payloads. */
export interface StateMachine<S> {
  /** Names the machine in logs and snapshots; a snapshot of another machine is not loaded. */
  readonly name: string
  readonly initial: () => S
  /** Why `payload` would be refused, checked by the leader before appending (undefined: acceptable). */
  readonly validate: (payload: unknown) => string | undefined
  /** The state after applying the entry at `index`; returns a new value, never changes `state`. */
  readonly apply: (state: S, payload: unknown, index: number) => S
  /** JSON-able form, stored in snapshots. */
  readonly encode: (state: S) => unknown
  /** The state from `encode`'s output, or undefined if it is not one. */
  readonly decode: (json: unknown) => S | undefined
}
