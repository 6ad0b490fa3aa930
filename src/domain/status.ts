/**
 * Status records, as written to the compacted `sendto.results` topic (key: request id)
 * and read back into each intake's status view. A later record for the same id
 * supersedes an earlier one; the final statuses are `confirmed`, `failed` and `dlq`.
 */

/** Where a request stands. */
export type RequestStatus =
  /** Published to `sendto`; nothing has been sent to a node yet. */
  | "accepted"
  /** No longer written (the executor signs before it sends, so nothing is reconciled); older records may carry it. */
  | "intent"
  /** Signed and recorded (the bytes are in this record, or in its Bitcoin transaction's record); a retry sends these bytes. */
  | "signed"
  /** The node accepted it and returned a txid; waiting for confirmations. */
  | "submitted"
  | "confirmed"
  | "failed"
  | "dlq"
  /** The client cancelled it (DELETE /v1/requests/{id}) and nothing of it was mined: skipped before signing, or replaced at its nonce by a zero-value self-transfer. */
  | "cancelled"

/** Statuses after which nothing more happens to a request. */
export const finalStatuses: ReadonlySet<RequestStatus> = new Set<RequestStatus>(["confirmed", "failed", "dlq", "cancelled"])

/** True when `status` is final. */
export const isFinal = (status: RequestStatus): boolean => finalStatuses.has(status)

/**
 * One signed version of an Ethereum transaction. A fee bump signs a new version at the
 * same nonce; every version is kept, because whichever one is mined is the outcome.
 */
export interface TxVersion {
  readonly txid: string
  readonly raw_tx: string
  /** Wei per gas, as decimal strings (bigints do not survive JSON). */
  readonly max_fee: string
  readonly tip: string
  /** Epoch ms when this version was signed. */
  readonly at: number
  /** Signed to cancel the request: a zero-value self-transfer at the same nonce. */
  readonly cancel?: true
}

/**
 * What a record is about. Requests are what clients submitted; the executor also keeps
 * records of its own, in the same compacted topic and partition, so a new owner of the
 * partition finds them: a `filler` is a zero-value self-transfer that takes the nonce of
 * a refused request so the sender's later nonces can be mined; a `transaction` is one
 * Bitcoin transaction (its raw bytes and inputs) shared by the requests it pays. A
 * `cancel` record (id `cancel:<request id>`, written by the intake) says the client asked
 * to cancel that request; every host's status view reads it, and the executor that owns
 * the request acts on it.
 */
export type RecordKind = "request" | "filler" | "transaction" | "cancel"

/** One record in `sendto.results`. */
export interface StatusRecord {
  readonly id: string
  readonly status: RequestStatus
  readonly chain: "bitcoin" | "ethereum"
  readonly sender: string
  /** The `sendto` partition the request is in; the host that owns it tracks confirmations. */
  readonly partition: number
  readonly at: number
  /**
   * The record's revision, counted up by the partition's executor for each new record of
   * the same id. A higher revision always wins, which lets a reorg move a `confirmed`
   * request back to `submitted`. Intake records have none (revision 0).
   */
  readonly rev?: number
  /** Absent means `request`. */
  readonly kind?: RecordKind
  /** Who submitted the request (`ownerOf` its API key): whose webhooks hear of it. Absent on older records and executor records. */
  readonly owner?: string
  readonly batch_id?: string
  readonly body_hash?: string
  readonly txid?: string
  readonly node?: string
  /** The signed transaction bytes (status `signed` and later): what a retry or a new owner broadcasts again. */
  readonly raw_tx?: string
  readonly nonce?: number
  /** Ethereum: every signed version at this nonce, oldest first; `txid`/`raw_tx` are the current one, or the mined one. */
  readonly versions?: readonly TxVersion[]
  /** Bitcoin: which output of `txid` pays this request (a batched payout shares its transaction). */
  readonly vout?: number
  /** Bitcoin `transaction` records: the outpoints (`txid:vout`) the transaction spends. */
  readonly inputs?: readonly string[]
  /** Bitcoin `transaction` records: the request ids the transaction pays, in output order. */
  readonly members?: readonly string[]
  /** Bitcoin `transaction` records: the change outputs, if any, as `vout:satoshis` pairs, comma-separated (`"1:5000,2:5000"`). */
  readonly change?: string
  readonly block?: number
  /** The hash of the block that holds the transaction, so a reorg that replaces it is noticed. */
  readonly block_hash?: string
  readonly confirmations?: number
  /** Older Bitcoin `intent` records only. */
  readonly intent_at?: number
  /** `cancel` records: the request to cancel. */
  readonly target?: string
  /** Why this record has its status: why it failed, went to the DLQ, or waits (the fee cap, a reorg). Not carried into the next record. */
  readonly reason?: string
}
