/**
 * The one place a status record's common fields are assembled: id, chain, sender,
 * partition, time, and what the intake attached (batch, body hash and owner). Every writer of
 * `sendto.results` builds its records here, so a field added to all of them is added once.
 */
import type { QueuedRequest } from "./request.ts"
import type { RequestStatus, StatusRecord } from "./status.ts"

/** The fields a record adds to the common ones: everything but what `statusRecordFor` fills in. */
export type RecordFields = Omit<Partial<StatusRecord>, "id" | "chain" | "sender" | "status" | "at" | "batch_id" | "body_hash" | "owner">

/** A record of `request`'s new `status`, written by the owner of `partition` at `at`. */
export const statusRecordFor = (
  request: Pick<QueuedRequest, "id" | "sender" | "body" | "batch_id" | "body_hash" | "owner">,
  partition: number,
  status: RequestStatus,
  at: number,
  fields: RecordFields = {},
): StatusRecord => ({
  id: request.id,
  status,
  chain: request.body.chain,
  sender: request.sender,
  partition,
  at,
  body_hash: request.body_hash,
  ...(request.batch_id ? { batch_id: request.batch_id } : {}),
  ...(request.owner ? { owner: request.owner } : {}),
  ...fields,
})

/**
 * The next record of an existing one: same identity, a new status and revision, fields
 * merged. A `reason` explains one status, so it is not carried into the next: a request
 * confirmed after waiting at the fee cap does not still say it waits.
 */
export const nextRecord = (prior: StatusRecord, status: RequestStatus, at: number, fields: RecordFields = {}): StatusRecord => ({
  ...withoutReason(prior),
  status,
  at,
  rev: (prior.rev ?? 0) + 1,
  ...fields,
})

const withoutReason = ({ reason: _reason, ...rest }: StatusRecord): StatusRecord => rest

/** The id of the record that asks to cancel request `id`. */
export const cancelRecordId = (id: string): string => `cancel:${id}`

/**
 * The record the intake writes when a client cancels `request` (its latest record): kind
 * `cancel`, keyed `cancel:<id>`, on the compacted results topic, so every host's status
 * view learns of it and the executor that owns the request acts on it.
 */
export const cancelRequestRecord = (request: StatusRecord, at: number): StatusRecord => ({
  id: cancelRecordId(request.id),
  kind: "cancel",
  target: request.id,
  status: "cancelled",
  chain: request.chain,
  sender: request.sender,
  partition: request.partition,
  at,
  rev: 0,
})
