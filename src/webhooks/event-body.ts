/**
 * The body the notifier posts: one status change of one request, in a stable shape a
 * receiver can switch on.
 *
 *   { "id": "<request id>:<rev>", "type": "request.<status>", "created_at": <epoch ms>,
 *     "data": <the status record, without signed transaction bytes> }
 *
 * The event id is the request id and the record's revision, which the executor counts
 * up for each new record of a request: a redelivery of the same change has the same id
 * (the receiver de-duplicates by it), a later change of the same request a new one.
 * The raw transaction bytes are left out: they can be large (every fee-bumped version of
 * an Ethereum transaction) and a receiver has the txid to look them up.
 */
import type { RequestStatus, StatusRecord } from "../domain/status.ts"

/** What a webhook receives. */
export interface WebhookEvent {
  readonly id: string
  readonly type: `request.${RequestStatus}`
  /** When the status changed (the record's `at`), epoch ms. */
  readonly created_at: number
  readonly data: Omit<StatusRecord, "raw_tx" | "versions" | "owner"> & { readonly versions?: ReadonlyArray<{ readonly txid: string; readonly max_fee: string; readonly tip: string; readonly at: number }> }
}

/** The event id of a record: `<request id>:<revision>` (revision 0 for intake records). */
export const eventIdOf = (record: Pick<StatusRecord, "id" | "rev">): string => `${record.id}:${record.rev ?? 0}`

/** The event a status record becomes. */
export const eventOf = (record: StatusRecord): WebhookEvent => {
  const { raw_tx: _raw, versions, owner: _owner, ...rest } = record
  return {
    id: eventIdOf(record),
    type: `request.${record.status}`,
    created_at: record.at,
    data: { ...rest, ...(versions === undefined ? {} : { versions: versions.map(({ raw_tx: _bytes, ...v }) => v) }) },
  }
}
