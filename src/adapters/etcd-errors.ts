/**
 * What a failed etcd call says about whether it reached a member, decided once, here,
 * from grpc-js's words (etcd3 keeps them in its errors' messages, and `EtcdUnavailable`
 * carries the verdict as `reach`). The etcd adapter re-sends a call only when that is
 * safe: one that was never sent may go to another member; a read whose connection dropped
 * mid-call may be sent again, since a read changes nothing. Nothing else reads the text.
 */
import { describe } from "./errors.ts"

/** Whether a failed call reached a member. */
export type EtcdCallReach =
  /** It could not even be sent (no connection to the member): it certainly was not applied. */
  | "never-sent"
  /** The member's connection broke while the call was on it: it may have run. */
  | "dropped"
  /** Anything else: a deadline, a refusal, an answer lost. */
  | "unknown"

/** grpc-js's words for a call that found no connection to send on ("No connection established. Last error: …"). */
const neverSentText = "No connection established"

/** grpc-js's words for a connection that broke under a call ("Connection dropped"). */
const droppedText = "Connection dropped"

/**
 * Sorts a failed etcd call by whether it reached a member. "dropped" is tried first: a
 * call that may have run must never be taken for one that was never sent.
 */
export const etcdCallReach = (cause: unknown): EtcdCallReach => {
  const text = describe(cause)
  if (text.includes(droppedText)) return "dropped"
  return text.includes(neverSentText) ? "never-sent" : "unknown"
}
