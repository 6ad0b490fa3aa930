/**
 * What the executor does with a request its client cancelled (DELETE /v1/requests/{id}).
 * The intake writes a `cancel` record; every host's status view keeps the set of
 * cancelled ids; the executor asks it before it signs anything.
 *
 * - Not signed yet: the request is skipped. Its `cancelled` record and the offset that
 *   moves past its message are one transaction, so it is skipped exactly once and never
 *   signed afterwards.
 * - Signed, or already handled by an earlier owner: the lane decides (an Ethereum
 *   transaction not yet mined is replaced at its nonce; see `ethereum/slot-actions.ts`).
 *   The executor leaves such a request to the lane, which skips it as handled.
 */
import { nextRecord, statusRecordFor } from "../domain/status-record.ts"
import { isFinal, type StatusRecord } from "../domain/status.ts"
import type { LaneItem } from "./lane.ts"
import type { RecordCache } from "./ports.ts"

/** The reason a request skipped before signing carries. */
export const cancelledBeforeSigning = "cancelled by the client before it was signed; nothing was sent"

/** True when nothing of `prior` (the request's latest record, if any) was signed or ended: a cancel can still skip it. */
export const notYetSigned = (prior: StatusRecord | undefined): boolean =>
  prior === undefined || (!isFinal(prior.status) && prior.raw_tx === undefined && prior.txid === undefined && (prior.versions?.length ?? 0) === 0)

/** True when `item` was cancelled and can still be skipped. */
export const skipsAsCancelled = (records: Pick<RecordCache, "get" | "cancelRequested">, item: LaneItem): boolean =>
  records.cancelRequested(item.request.id) && notYetSigned(records.get(item.request.id))

/** The `cancelled` record of a skipped request, following its prior record if it has one. */
export const skippedRecord = (item: LaneItem, prior: StatusRecord | undefined, partition: number, at: number): StatusRecord =>
  prior === undefined
    ? { ...statusRecordFor(item.request, partition, "cancelled", at, { reason: cancelledBeforeSigning }), rev: 1 }
    : nextRecord(prior, "cancelled", at, { reason: cancelledBeforeSigning, partition })

/**
 * How many of `take` (one key's next items, in order) to hand to the lane: up to, not
 * including, the first one to skip, so a cancelled request is never part of a run.
 */
export const runnablePrefix = (take: readonly LaneItem[], skips: (item: LaneItem) => boolean): number => {
  const cut = take.findIndex(skips)
  return cut < 0 ? take.length : cut
}
