/**
 * What a `fetch` that threw came to, as data: `timeout` when its own deadline ended it
 * (the other side may have acted on the request), else `unreachable` with the error's
 * name and code (refused, reset, DNS: nothing reached it). Shared by the webhook poster
 * and the replica's relay to its leader.
 */

/** Why a request got no answer. */
export type NoAnswer = { readonly _tag: "timeout"; readonly afterMs: number } | { readonly _tag: "unreachable"; readonly detail: string }

/** Reads `cause`, thrown by a fetch whose deadline signal was `deadline` (`timeoutMs` long). */
export const noAnswerOf = (cause: unknown, deadline: AbortSignal, timeoutMs: number): NoAnswer => {
  if (deadline.aborted) return { _tag: "timeout", afterMs: timeoutMs }
  const detail = cause instanceof Error ? `${cause.name}${"code" in cause && typeof cause.code === "string" ? ` ${cause.code}` : ""}` : "fetch failed"
  return { _tag: "unreachable", detail }
}
