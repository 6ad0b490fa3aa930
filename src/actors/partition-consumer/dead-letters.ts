/**
 * The DLQ messages of a partition: a request that can never succeed gets a `dlq` status
 * record and a copy of its message, with the reason, in `sendto.dlq`; a message that is
 * not a request at all gets only the copy. Both are written in the same transaction as
 * the offset that moves past them.
 */
import { nextRecord, statusRecordFor } from "../../domain/status-record.ts"
import { encodeRequest } from "../../domain/wire.ts"
import type { FetchedMessage } from "../../execution/partition-executor.ts"
import type { DeadLetterFor } from "../../execution/lane.ts"
import type { ExtraRecord, RecordCache } from "../../execution/ports.ts"

/** The dead letter of a request. */
export const deadLetterFor = (dlqTopic: string, partition: number, records: RecordCache, now: () => number = Date.now): DeadLetterFor => (item, reason) => {
  const prior = records.get(item.request.id)
  const at = now()
  const record = prior === undefined
    ? { ...statusRecordFor(item.request, partition, "dlq", at, { reason }), rev: 1 }
    : nextRecord(prior, "dlq", at, { reason, partition })
  return {
    record,
    extra: { topic: dlqTopic, key: `${item.request.body.chain}:${item.request.sender}`, value: JSON.stringify({ reason, partition, offset: String(item.offset), at, value: encodeRequest(item.request) }) },
  }
}

/** The DLQ copy of a message that does not decode. */
export const unreadableLetter = (dlqTopic: string, partition: number, now: () => number = Date.now) => (message: FetchedMessage, problem: string): ExtraRecord => ({
  topic: dlqTopic,
  key: message.key || null,
  value: JSON.stringify({ reason: `not a gateway request: ${problem}`, partition, offset: String(message.offset), at: now(), value: message.value }),
})
