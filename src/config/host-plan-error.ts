/**
 * Why a host cannot run as asked. Kept apart from `ConfigError` because the
 * file is fine: the choice of host or roles is what needs changing.
 */
import { Data } from "effect"

/** What went wrong: a host name not in the file, no host chosen, or a role the host cannot serve. */
export type HostPlanProblem = "unknown-host" | "host-not-chosen" | "no-nodes"

/** A host-selection error; `message` says which flag to pass instead. */
export class HostPlanError extends Data.TaggedError("HostPlanError")<{
  readonly problem: HostPlanProblem
  readonly message: string
}> {}
