/**
 * A `publish` for unit tests that holds every call open until the test settles it, so a
 * test can line up concurrent submissions, let a deadline pass, and then ack or fail.
 * A call is either still queued (aborting its signal withdraws it, as the group commit
 * does) or already in Kafka's hands (aborting changes nothing); `inKafka` picks which.
 */
import type { QueuedRequest } from "../../domain/request.ts"
import { Withdrawn } from "../../kafka/group-commit.ts"
import type { Publish } from "./publish-run.ts"

/** One publish call the test holds. */
export interface HeldCall {
  readonly requests: readonly QueuedRequest[]
  readonly signal: AbortSignal
  /** Kafka acked: the promise resolves (after `onAck`, as the real publisher updates the view first). */
  readonly ack: () => void
  /** Kafka failed it after the send: the promise rejects with `cause`. */
  readonly fail: (cause?: unknown) => void
}

/** The fake and the calls it holds, in order. */
export interface HeldPublish {
  readonly publish: Publish
  readonly calls: HeldCall[]
  /** Every call so far acked at once, and every later one too. */
  readonly ackAll: () => void
}

/** Makes the fake; `onAck` sees what each ack makes durable. */
export const heldPublish = (options: { readonly inKafka?: boolean; readonly onAck?: (requests: readonly QueuedRequest[]) => void } = {}): HeldPublish => {
  const calls: HeldCall[] = []
  let autoAck = false
  const publish: Publish = (requests, signal) =>
    new Promise<void>((resolve, reject) => {
      let settled = false
      const settle = (f: () => void) => {
        if (settled) return
        settled = true
        f()
      }
      const call: HeldCall = {
        requests,
        signal,
        ack: () => settle(() => {
          options.onAck?.(requests)
          resolve()
        }),
        fail: (cause = new Error("Kafka producer.send failed: NOT_LEADER_FOR_PARTITION")) => settle(() => reject(cause)),
      }
      if (options.inKafka === false) signal.addEventListener("abort", () => settle(() => reject(new Withdrawn({ items: requests.length }))), { once: true })
      calls.push(call)
      if (autoAck) call.ack()
    })
  return {
    publish,
    calls,
    ackAll: () => {
      autoAck = true
      for (const c of calls) c.ack()
    },
  }
}
