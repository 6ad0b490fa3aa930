/**
 * What a `fetch` that threw came to, as data: `timeout` when its own deadline ended it
 * (the other side may have acted on the request), else `unreachable` with the error's
 * name and code (refused, reset, DNS: nothing reached it). Shared by the webhook poster
 * and the replica's relay to its leader.
 *
 * Every outgoing HTTP call of the gateway runs under `byDeadline`, which settles at its
 * deadline whatever the runtime does: Bun's fetch has been seen to stay pending long
 * past an `AbortSignal.timeout` (oven-sh/bun#18536, and a saturated local server in
 * silverwind/updates#153), bounded only by its own 5-minute ceiling. One node call left
 * pending that way holds its sender's run, and with it every later request of the sender.
 */

/** Why a request got no answer. */
export type NoAnswer = { readonly _tag: "timeout"; readonly afterMs: number } | { readonly _tag: "unreachable"; readonly detail: string }

/** Reads `cause`, thrown by a fetch whose deadline signal was `deadline` (`timeoutMs` long). */
export const noAnswerOf = (cause: unknown, deadline: AbortSignal, timeoutMs: number): NoAnswer => {
  if (deadline.aborted) return { _tag: "timeout", afterMs: timeoutMs }
  const detail = cause instanceof Error ? `${cause.name}${"code" in cause && typeof cause.code === "string" ? ` ${cause.code}` : ""}` : "fetch failed"
  return { _tag: "unreachable", detail }
}

/**
 * Runs `attempt` with a `signal` that aborts at `timeoutMs` (or when `stop` aborts), and
 * settles by then even if `attempt` never does: with `late()` once the deadline passed.
 * `deadline` aborts only at the deadline, so a caught error can tell a timeout apart.
 */
export const byDeadline = async <A>(
  timeoutMs: number,
  attempt: (signal: AbortSignal, deadline: AbortSignal) => Promise<A>,
  late: () => A,
  stop?: AbortSignal,
): Promise<A> => {
  const deadline = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<A>((resolve) => {
    timer = setTimeout(() => {
      deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError"))
      resolve(late())
    }, timeoutMs)
  })
  const signal = stop === undefined ? deadline.signal : AbortSignal.any([stop, deadline.signal])
  try {
    return await Promise.race([attempt(signal, deadline.signal), expired])
  } finally {
    clearTimeout(timer)
  }
}
