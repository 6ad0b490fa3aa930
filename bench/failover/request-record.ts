/**
 * One client request as the failover bench records it: what was sent, when, and what
 * the client was told. Plain data, shared by the load, the checks and the report.
 */

/** What one request ended as, from the client's side. */
export interface RequestRecord {
  readonly client: string
  readonly seq: number
  readonly requestId: string
  readonly number: number
  readonly sentAtMs: number
  readonly doneAtMs: number
  /** "ok", or the failure's tag and reason (e.g. "Timeout:timeout", "Unreachable:not-leader"). */
  readonly outcome: string
  readonly ok: boolean
  readonly index: number | undefined
  readonly node: string | undefined
  readonly attempts: number
  readonly duplicate: boolean
}
