/**
 * One submission's way into Kafka, and what the intake may tell the client about it.
 * A batch goes in chunks, one after another, so per-sender order holds across chunk
 * boundaries. The intake waits at most its accept deadline; then it stops the run: a
 * chunk still queued in the publisher is taken back (`Withdrawn`: provably never sent),
 * no later chunk starts, and a chunk already in Kafka's hands stays in them (the
 * publisher keeps sending it again until acked). So every request of a submission
 * is, at the answer, one of: acked (durable), unsure (handed to Kafka, no ack yet: it may
 * have been accepted), or not sent. The run itself settles only when its last chunk does,
 * which may be after the answer; the in-flight map keeps repeats waiting for exactly that.
 */
import { describe } from "../../adapters/errors.ts"
import type { QueuedRequest } from "../../domain/request.ts"
import { Withdrawn } from "../../kafka/group-commit.ts"

/** Requests per publish call when `[intake]` does not say otherwise (matches `[kafka.producer].max_batch_messages`). */
export const defaultPublishChunk = 500

/**
 * Hands requests to Kafka and resolves after acks=all. Rejects with `Withdrawn` when
 * `signal` took them back before anything was sent; any other rejection may come after
 * a send, so the requests may have been written.
 */
export type Publish = (requests: readonly QueuedRequest[], signal: AbortSignal) => Promise<void>

/**
 * What became of a submission's requests, taken in order: all acked; or the first `acked`
 * acked and the rest never sent; or the first `acked` acked, the next `unsure` handed to
 * Kafka without an ack (they may have been accepted), and the rest never sent.
 */
export type PublishVerdict =
  | { readonly _tag: "acked" }
  | { readonly _tag: "not-sent"; readonly acked: number }
  | { readonly _tag: "ambiguous"; readonly acked: number; readonly unsure: number; readonly why: string }

/** A submission being published. */
export interface PublishRun {
  readonly requests: readonly QueuedRequest[]
  /** Settles when nothing of the run is in flight any more (possibly long after the deadline). */
  readonly settled: Promise<PublishVerdict>
  /** Takes back what is still queued and starts no further chunk; what Kafka holds stays. */
  readonly stop: () => void
  /** The verdict if the run were cut off now, for `why` (e.g. the deadline passed). */
  readonly snapshot: (why: string) => PublishVerdict
}

/** Starts publishing `requests`, `chunk` at a time. */
export const startPublishRun = (publish: Publish, requests: readonly QueuedRequest[], chunk: number = defaultPublishChunk): PublishRun => {
  const size = Math.max(1, Math.floor(chunk))
  const controller = new AbortController()
  let acked = 0
  let sending = 0
  const settled = (async (): Promise<PublishVerdict> => {
    while (acked < requests.length) {
      if (controller.signal.aborted) return { _tag: "not-sent", acked }
      const part = requests.slice(acked, acked + size)
      sending = part.length
      try {
        await publish(part, controller.signal)
      } catch (cause) {
        sending = 0
        if (cause instanceof Withdrawn) return { _tag: "not-sent", acked }
        return { _tag: "ambiguous", acked, unsure: part.length, why: `Kafka refused it after it was sent: ${describe(cause)}` }
      }
      sending = 0
      acked += part.length
    }
    return { _tag: "acked" }
  })()
  return {
    requests,
    settled,
    stop: () => controller.abort(),
    snapshot: (why) => {
      if (acked === requests.length) return { _tag: "acked" }
      // Until the run is stopped, a chunk not started yet may still be sent.
      const unsure = controller.signal.aborted ? sending : requests.length - acked
      return unsure === 0 ? { _tag: "not-sent", acked } : { _tag: "ambiguous", acked, unsure, why }
    },
  }
}

/**
 * The verdict to answer with: the run's own, if it settles within `timeoutMs`; else the
 * run as it stands then. The run's owner (the request that started it) stops it at its
 * deadline; a repeat that joined it only stops waiting.
 */
export const verdictWithin = (run: PublishRun, timeoutMs: number, owner: boolean): Promise<PublishVerdict> =>
  new Promise((resolve) => {
    let done = false
    const finish = (verdict: PublishVerdict) => {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve(verdict)
    }
    void run.settled.then(finish)
    const timer = setTimeout(() => {
      if (owner) run.stop()
      // A withdrawal settles the run within this turn's microtasks; a chunk Kafka holds does not.
      setTimeout(() => finish(run.snapshot(`Kafka did not ack within ${timeoutMs} ms`)), 0)
    }, timeoutMs)
  })
