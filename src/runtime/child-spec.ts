/**
 * Child specs: supervision policy as data (OTP's child specification).
 *
 * A child is described, not started: the supervisor that owns the spec decides
 * when to run `init`, when to restart it, and when to stop it.
 */
import type { Effect, Scope } from "effect"

/**
 * When a child is restarted after its main loop ends:
 * - `permanent`: always (the usual actor, whose loop should never end);
 * - `transient`: only when it failed, not when its loop returned normally;
 * - `temporary`: never; it is started once and forgotten when it ends.
 */
export type RestartPolicy = "permanent" | "transient" | "temporary"

/** Everything a supervisor needs to start, restart and stop one child. */
export interface ChildSpec<E = unknown, R = never> {
  /** Unique among its siblings; the last segment of the child's path. */
  readonly id: string
  /** Acquire resources in the Scope and return the child's main loop. The child counts as started (ready) when this returns. Finalizers added to the Scope run when the child stops. */
  readonly init: Effect.Effect<Effect.Effect<void, E, R>, E, R | Scope.Scope>
  /** Whether the child comes back after its loop ends; see `RestartPolicy`. */
  readonly restart: RestartPolicy
  /** How long stopping (interrupting the loop, then closing the scope) may take before the child is abandoned. */
  readonly shutdownMs: number
}

/**
 * Whether a child whose loop ended must be restarted. `failed` is true for a
 * failure, a defect or an interruption the supervisor did not ask for.
 */
export const shouldRestart = (policy: RestartPolicy, failed: boolean): boolean => {
  switch (policy) {
    case "permanent":
      return true
    case "transient":
      return failed
    case "temporary":
      return false
  }
}
