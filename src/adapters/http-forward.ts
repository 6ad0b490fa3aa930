/**
 * Forwards one JSON request to another server and hands back its answer as it came:
 * status, body text and Retry-After. Failures are data, never thrown: `timeout` (no
 * answer within the deadline: the other side may have acted on it) or `unreachable`
 * (refused, reset, DNS: nothing reached it). A follower replica uses it to relay a
 * client's submission to the leader.
 */

import { byDeadline, type NoAnswer, noAnswerOf } from "./http-failure.ts"

/** The other side's answer, or why there was none. */
export type ForwardOutcome = { readonly _tag: "answered"; readonly status: number; readonly body: string; readonly retryAfter: string | null } | NoAnswer

/** POSTs `body` (JSON) to `url` with `headers`, waiting at most `timeoutMs`. */
export const forwardJson = (args: { readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: string; readonly timeoutMs: number }): Promise<ForwardOutcome> =>
  byDeadline(
    args.timeoutMs,
    async (signal, deadline): Promise<ForwardOutcome> => {
      try {
        const res = await fetch(args.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...args.headers },
          body: args.body,
          redirect: "manual",
          signal,
        })
        return { _tag: "answered", status: res.status, body: await res.text(), retryAfter: res.headers.get("retry-after") }
      } catch (cause) {
        return noAnswerOf(cause, deadline, args.timeoutMs)
      }
    },
    () => ({ _tag: "timeout", afterMs: args.timeoutMs }),
  )
