/**
 * The error a supervisor fails with when it gives up. Its parent sees it as an
 * ordinary crash of that child, which is how escalation climbs the tree.
 */
import { Data } from "effect"

/**
 * A supervisor restarted its children too often (`kind: "intensity"`) or its
 * backoff schedule ran out (`kind: "backoff-exhausted"`), so it stopped all of
 * them and failed.
 */
export class EscalationError extends Data.TaggedError("EscalationError")<{
  /** Path of the supervisor that gave up. */
  readonly path: string
  /** Id of the child whose crash was one too many. */
  readonly childId: string
  readonly kind: "intensity" | "backoff-exhausted"
  /** Restarts counted inside the window, the last one included. */
  readonly restarts: number
  readonly maxRestarts: number
  readonly withinMs: number
  /** Why the last child crashed. */
  readonly reason: string
}> {
  override get message(): string {
    const why = this.kind === "intensity"
      ? `${this.restarts} restarts within ${this.withinMs} ms exceed the limit of ${this.maxRestarts}`
      : "its restart backoff schedule is exhausted"
    return `Supervisor "${this.path}" gave up: ${why}; last crash of child "${this.childId}": ${this.reason}. ` +
      `Fix the cause of that crash, or raise the supervisor's intensity if such crashes are expected.`
  }
}
