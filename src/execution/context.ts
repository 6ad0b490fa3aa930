/**
 * What an executor needs to carry out one request exactly once, and what it answers.
 * The partition consumer builds one context per message.
 */
import type { NodePool } from "../actors/node-throttler/pool.ts"
import type { StatusRecord } from "../domain/status.ts"
import type { Logger } from "../observability/log.ts"

/** The status view as an executor reads it. */
export interface StatusLookup {
  readonly get: (id: string) => StatusRecord | undefined
  /** Whether some request other than `id` already owns `txid`. */
  readonly claimedByOther: (txid: string, id: string) => boolean
  /**
   * Marks `txid` as owned by `id` at once, before its record is acknowledged, so a
   * reconciliation running meanwhile cannot hand the same transaction to another request.
   */
  readonly noteClaim: (txid: string, id: string) => void
  /** The highest nonce recorded as signed for an Ethereum sender. */
  readonly highestNonce: (sender: string) => number | undefined
}

/** Everything an executor may touch. */
export interface ExecutionContext {
  readonly pool: NodePool
  readonly view: StatusLookup
  /** Writes status records to `sendto.results`; resolves after acks=all. */
  readonly record: (records: readonly StatusRecord[]) => Promise<void>
  readonly partition: number
  /**
   * True when an earlier attempt may already have reached the node: the message sits
   * below the partition's end offset at assignment (a previous owner may have sent it), or
   * an earlier attempt here timed out. Such a request is reconciled before it is sent.
   */
  readonly possiblyAttempted: boolean
  readonly log: Logger
  readonly now: () => number
  /**
   * When true, an executor whose send needs no record beforehand (Bitcoin) may return
   * before its outcome record is acknowledged, with the pending write in `durable`.
   */
  readonly pipelineRecords: boolean
}

/** How executing one request ended. */
export type Outcome =
  /** A status was recorded (submitted/signed, or final); the offset may be committed. */
  | {
      readonly _tag: "recorded"
      readonly record: StatusRecord
      /**
       * Set when the record was handed to Kafka but not awaited: the next request of the
       * same key may start, but the offset may be committed only once this resolves.
       */
      readonly durable?: Promise<void>
    }
  /** The view already shows it done or in flight; nothing was sent. */
  | { readonly _tag: "skipped"; readonly status: string }
  /** It can never succeed: send it to the DLQ with this reason. */
  | { readonly _tag: "poison"; readonly reason: string }
  /** A passing failure: try again later; `attempted` says whether the node may have acted. */
  | { readonly _tag: "retry"; readonly reason: string; readonly attempted: boolean }
