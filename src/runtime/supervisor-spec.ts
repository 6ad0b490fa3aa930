/**
 * Supervisor specs: a supervisor's policy as data (OTP's `sup_flags` plus its
 * child list), and the pure rule that says which children a crash restarts.
 */
import type { RestartBackoff } from "./backoff.ts"
import type { ChildSpec, RestartPolicy } from "./child-spec.ts"
import type { Intensity } from "./restart-intensity.ts"

/**
 * Which children are restarted when one crashes:
 * - `one_for_one`: only the crashed child;
 * - `one_for_all`: every child (the others are stopped first, in reverse order);
 * - `rest_for_one`: the crashed child and every child started after it.
 */
export type Strategy = "one_for_one" | "one_for_all" | "rest_for_one"

/** Everything needed to run one supervisor, at the root or nested as a child. */
export interface SupervisorSpec<R = never> {
  /** The supervisor's id: its path segment, and its child id when nested. */
  readonly id: string
  readonly strategy: Strategy
  /** Started in this order, stopped in the reverse order. Ids must be unique. */
  readonly children: ReadonlyArray<ChildSpec<unknown, R>>
  /** Defaults to `defaultIntensity` (3 restarts within 5 s). */
  readonly intensity?: Intensity | undefined
  /** Delay before each restart; defaults to `restartBackoff`. */
  readonly backoff?: RestartBackoff | undefined
  /** Restart policy when nested under another supervisor; defaults to `permanent`. */
  readonly restart?: RestartPolicy | undefined
  /** Shutdown budget when nested; defaults to no limit, since each child has its own. */
  readonly shutdownMs?: number | undefined
}

/**
 * Indices (in start order) of the children that the crash of child `crashed`
 * restarts under `strategy`, among `count` children.
 */
export const restartGroup = (strategy: Strategy, crashed: number, count: number): ReadonlyArray<number> => {
  const all = Array.from({ length: count }, (_, index) => index)
  switch (strategy) {
    case "one_for_one":
      return [crashed]
    case "one_for_all":
      return all
    case "rest_for_one":
      return all.filter((index) => index >= crashed)
  }
}

/** Ids that occur more than once in a child list (they would make paths ambiguous). */
export const duplicateIds = (children: ReadonlyArray<{ readonly id: string }>): ReadonlyArray<string> => {
  const seen = new Set<string>()
  const duplicates = new Set<string>()
  for (const { id } of children) (seen.has(id) ? duplicates : seen).add(id)
  return [...duplicates]
}
