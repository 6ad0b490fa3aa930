/**
 * Where a fiber sits in the supervision tree, as a slash-separated path such as
 * `root/consumer/node-throttler:btc-1`. Supervisors set it for each child's
 * `init` and main loop, so actors can put it on their log lines without being
 * told their parent's name.
 */
import { Context, Effect } from "effect"

/**
 * The path of the child (or supervisor) whose code is running. It is empty
 * outside a supervision tree.
 */
export const CurrentPath = Context.Reference<string>("gateway/runtime/CurrentPath", {
  defaultValue: () => ""
})

/** Reads the current tree path, e.g. to annotate a log line. */
export const currentPath: Effect.Effect<string> = Effect.service(CurrentPath)

/** Joins a parent path and a child id; an empty parent yields the id alone. */
export const joinPath = (parent: string, id: string): string =>
  parent === "" ? id : `${parent}/${id}`
