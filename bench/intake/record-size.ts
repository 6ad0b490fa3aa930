/**
 * How big what the intake publishes really is, built with the gateway's own
 * validation and record shapes: the reference (ProducerPerformance) must
 * send records of the same size as the `sendto` record of one request, and
 * a batch item's record is larger (it carries the batch id).
 */
import { randomUUID } from "node:crypto"
import { acceptedRecord } from "../../src/kafka/request-publisher.ts"
import { type QueuedRequest, requestKey } from "../../src/domain/request.ts"
import { bodyHash } from "../../src/intake/request-id.ts"
import { validateSingle } from "../../src/intake/validate/validate-request.ts"
import type { ValidationContext } from "../../src/intake/validate/validation-context.ts"

/** Sizes in bytes of one request on the wire and in Kafka. */
export interface RecordSizes {
  /** The JSON body a client POSTs to /v1/requests. */
  readonly bodyBytes: number
  /** The `sendto` record value of a single request. */
  readonly singleRecordBytes: number
  /** The `sendto` record value of a batch item (it also carries `batch_id`). */
  readonly batchRecordBytes: number
  /** The `accepted` status record published with it to the results topic. */
  readonly statusRecordBytes: number
  /** The Kafka key, `<chain>:<sender>`. */
  readonly key: string
}

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value))

/** Validates `body` as the intake would and measures what it publishes; a string says why the body is invalid. */
export const recordSizes = (body: unknown, ctx: ValidationContext, now: number = Date.now()): RecordSizes | string => {
  const valid = validateSingle(body, ctx)
  if (!valid.ok) return valid.errors.map((e) => e.message).join("; ")
  const queued: QueuedRequest = { id: randomUUID(), sender: valid.value.sender, body: valid.value.body, accepted_at: now, body_hash: bodyHash(valid.value.body) }
  const inBatch: QueuedRequest = { ...queued, batch_id: randomUUID() }
  return {
    bodyBytes: bytes(body),
    singleRecordBytes: bytes(queued),
    batchRecordBytes: bytes(inBatch),
    statusRecordBytes: bytes(acceptedRecord(queued)),
    key: requestKey(queued),
  }
}

/** A Bitcoin `sendtoaddress` body, amount as the intake wants it (a decimal string). */
export const sendToAddressBody = (address: string, amount: string) => ({ chain: "bitcoin", method: "sendtoaddress", params: { address, amount } }) as const
