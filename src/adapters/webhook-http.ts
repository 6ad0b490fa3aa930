/**
 * One webhook delivery attempt over HTTP: a POST of the signed body, with a deadline.
 * The outcome is data, never a thrown error, so the notifier decides on a tag:
 * `delivered` (any 2xx), `http-error` (any other status, redirects included: a receiver
 * that moved must be registered again at its new URL), `timeout` (no answer within the
 * deadline, a stalled receiver) or `unreachable` (refused, reset, DNS). The receiver's
 * answer body is read up to 4 KiB and dropped, so a chatty receiver cannot hold memory.
 */

import { byDeadline, type NoAnswer, noAnswerOf } from "./http-failure.ts"

/** What one attempt came to. */
export type AttemptOutcome =
  | { readonly _tag: "delivered"; readonly status: number }
  | { readonly _tag: "http-error"; readonly status: number }
  | NoAnswer

/** A short description of an outcome, for logs and the parked record's `last_error`. */
export const describeOutcome = (o: AttemptOutcome): string => {
  switch (o._tag) {
    case "delivered":
      return `HTTP ${o.status}`
    case "http-error":
      return `HTTP ${o.status}`
    case "timeout":
      return `no answer within ${o.afterMs} ms`
    case "unreachable":
      return `unreachable: ${o.detail}`
  }
}

const drain = async (res: Response): Promise<void> => {
  const reader = res.body?.getReader()
  if (reader === undefined) return
  let read = 0
  try {
    while (read < 4096) {
      const { done, value } = await reader.read()
      if (done) return
      read += value.byteLength
    }
    await reader.cancel()
  } catch {
    // The answer was already judged by its status; a body cut short changes nothing.
  }
}

/** POSTs `body` to `url` with `headers`, waiting at most `timeoutMs` for the answer; `stop` aborts it (the notifier stopping). */
export const postWebhook = (args: { readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: string; readonly timeoutMs: number; readonly stop?: AbortSignal }): Promise<AttemptOutcome> =>
  byDeadline(
    args.timeoutMs,
    async (signal, deadline): Promise<AttemptOutcome> => {
      try {
        const res = await fetch(args.url, {
          method: "POST",
          headers: { "content-type": "application/json", "user-agent": "gateway-notifier", ...args.headers },
          body: args.body,
          redirect: "manual",
          signal,
        })
        // A body that never ends is cut by byDeadline, which settles at the deadline.
        await drain(res)
        return res.status >= 200 && res.status < 300 ? { _tag: "delivered", status: res.status } : { _tag: "http-error", status: res.status }
      } catch (cause) {
        return noAnswerOf(cause, deadline, args.timeoutMs)
      }
    },
    () => ({ _tag: "timeout", afterMs: args.timeoutMs }),
    args.stop,
  )
