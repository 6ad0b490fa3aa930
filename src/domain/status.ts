/**
 * Status records, as written to the compacted `sendto.results` topic (key: request id)
 * and read back into each intake's status view. A later record for the same id
 * supersedes an earlier one; the final statuses are `confirmed`, `failed` and `dlq`.
 */

/** Where a request stands. */
export type RequestStatus =
  /** Published to `sendto`; nothing has been sent to a node yet. */
  | "accepted"
  /** Bitcoin: about to call the wallet. A retry must reconcile with the wallet before sending again. */
  | "intent"
  /** Ethereum: signed, and the exact bytes are in this record. A retry broadcasts these bytes. */
  | "signed"
  /** The node accepted it and returned a txid; waiting for confirmations. */
  | "submitted"
  | "confirmed"
  | "failed"
  | "dlq"

/** Statuses after which nothing more happens to a request. */
export const finalStatuses: ReadonlySet<RequestStatus> = new Set<RequestStatus>(["confirmed", "failed", "dlq"])

/** True when `status` is final. */
export const isFinal = (status: RequestStatus): boolean => finalStatuses.has(status)

/** One record in `sendto.results`. */
export interface StatusRecord {
  readonly id: string
  readonly status: RequestStatus
  readonly chain: "bitcoin" | "ethereum"
  readonly sender: string
  /** The `sendto` partition the request is in; the host that owns it tracks confirmations. */
  readonly partition: number
  readonly at: number
  readonly batch_id?: string
  readonly body_hash?: string
  readonly txid?: string
  readonly node?: string
  /** Ethereum: the signed transaction bytes (status `signed` and later). */
  readonly raw_tx?: string
  readonly nonce?: number
  readonly block?: number
  readonly confirmations?: number
  /** Bitcoin intent: when the call was about to be made, to bound reconciliation. */
  readonly intent_at?: number
  /** Why it failed or went to the DLQ. */
  readonly reason?: string
}
