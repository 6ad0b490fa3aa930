/**
 * Publishes a batch to Kafka in chunks, one after another, so per-sender order holds
 * across chunk boundaries and no single produce call grows past what the producer
 * batches well. Succeeds only when every chunk was acked; on a failure it reports how
 * many requests were already queued, so the client can be told the truth.
 */
import type { QueuedRequest } from "../../domain/request.ts"

/** Requests per publish call when `[intake]` does not say otherwise (matches `[kafka.producer].max_batch_messages`). */
export const defaultPublishChunk = 500

/** All acked, or the cause and how many were acked before it. */
export type PublishOutcome = { readonly ok: true } | { readonly ok: false; readonly queued: readonly QueuedRequest[]; readonly cause: unknown }

/** Publishes `requests` in order, `chunk` at a time. */
export const publishInChunks = async (
  publish: (requests: readonly QueuedRequest[]) => Promise<void>,
  requests: readonly QueuedRequest[],
  chunk: number = defaultPublishChunk,
): Promise<PublishOutcome> => {
  const size = Math.max(1, Math.floor(chunk))
  for (let start = 0; start < requests.length; start += size) {
    try {
      await publish(requests.slice(start, start + size))
    } catch (cause) {
      return { ok: false, queued: requests.slice(0, start), cause }
    }
  }
  return { ok: true }
}
