/**
 * What the executors need from the rest of the host, declared here so the executors
 * depend on nothing above them: the node pool (through the node-throttlers), the
 * fenced recorder of their partition (a Kafka transaction per commit), and the
 * records already written for a request. The partition-consumer actor provides them.
 */
import type { Effect } from "effect"
import type { NodeRejected } from "../adapters/errors.ts"
import type { StatusRecord } from "../domain/status.ts"

/** A node's answer and which node gave it. */
export interface NodeAnswer {
  readonly node: string
  readonly result: unknown
}

/**
 * Every way a node call fails. `NodeRejected` is the node refusing the call (its `kind`
 * says why); the others mean the call may not have reached the node: unreachable,
 * overloaded, its breaker open, or no node configured.
 */
export type NodeCallError =
  | NodeRejected
  | { readonly _tag: "NodeUnreachable" | "NodeOverloaded" | "CircuitOpen" | "NoNodeForChain"; readonly message: string }

/** How one call of a batch ended. */
export type BatchOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: NodeCallError }

/** The nodes of the host, behind their throttlers. */
export interface ChainNodes {
  /** One call for `affinity` (a sender): to its home node while healthy, else the least-loaded healthy one. */
  readonly callFor: (chain: string, affinity: string, method: string, params?: readonly unknown[]) => Effect.Effect<NodeAnswer, NodeCallError>
  /** One call to the named node. */
  readonly callNode: (node: string, method: string, params?: readonly unknown[]) => Effect.Effect<unknown, NodeCallError>
  /** Several calls to the named node in one round trip; each answers on its own (the whole batch fails only if no node can take it). */
  readonly callNodeBatch: (node: string, calls: readonly { readonly method: string; readonly params: readonly unknown[] }[]) => Effect.Effect<readonly BatchOutcome[], NodeCallError>
  /** Some node of the chain admits calls now. */
  readonly healthy: (chain: string) => boolean
}

/** Proof that this executor owned its partition when a commit was sent. */
export interface CommitProof {
  /** `performance.now()` when the commit was sent. */
  readonly committedAt: number
}

/** Why records could not be made durable. */
export type RecordError =
  /** A newer owner holds the partition: stop, and broadcast nothing. */
  | { readonly _tag: "WriterFenced"; readonly message: string }
  /** The transaction was aborted: nothing of it is visible; try again. */
  | { readonly _tag: "KafkaUnavailable"; readonly message: string }
  /** The transaction's outcome is unknown: nothing may be broadcast on its strength; the writer must be opened again. */
  | { readonly _tag: "CommitAmbiguous"; readonly message: string }

/** An extra record of another topic written in the same transaction (the DLQ). */
export interface ExtraRecord {
  readonly topic: string
  readonly key: string | null
  readonly value: string
}

/** How a commit may be scheduled. */
export interface CommitOptions {
  /**
   * Start the transaction now, even inside the pause between transactions that spreads
   * them out under load (`[kafka.consumer].transaction_interval_ms`): for a lane whose next
   * run waits for this one, such as the Bitcoin lane of an account, one run at a time.
   */
  readonly urgent?: boolean
}

/** The partition's fenced recorder. */
export interface Recorder {
  /**
   * Makes `records` durable and marks the messages at `finishes` done, in one
   * transaction with the consumer offset through which every message is done.
   */
  readonly commit: (records: readonly StatusRecord[], finishes?: readonly bigint[], extra?: readonly ExtraRecord[], options?: CommitOptions) => Effect.Effect<CommitProof, RecordError>
  /**
   * Succeeds while the last commit (or the opening of the writer) is recent enough to
   * vouch that this executor still owns its partition; otherwise commits a transaction
   * that only re-commits the offset, which a newer owner's fence refuses. Every broadcast
   * goes through this first, so a frozen and woken executor broadcasts nothing.
   */
  readonly ensureOwned: Effect.Effect<void, RecordError>
}

/** The latest record of each request of the partition, as this executor knows it. */
export interface RecordCache {
  readonly get: (id: string) => StatusRecord | undefined
  /** Remembers records this executor just committed, so a copy of the request arriving next is seen. */
  readonly remember: (records: readonly StatusRecord[]) => void
  /** True once a client asked to cancel request `id` (DELETE /v1/requests/{id}). */
  readonly cancelRequested: (id: string) => boolean
  /** The highest nonce recorded for an Ethereum sender, in any record of the partition. */
  readonly highestNonce: (sender: string) => number | undefined
  /**
   * The sender's requests recorded as signed or submitted and not final (any partition),
   * each as the newest record this executor or the host's view holds.
   */
  readonly awaitingOf: (sender: string) => readonly StatusRecord[]
  /**
   * Every request of `partition` recorded as signed or submitted and not final (judged by
   * the records, not the store's partition column), each as its newest record; with
   * `before` (ms), only those whose newest record is older.
   */
  readonly awaitingIn: (partition: number, before?: number) => readonly StatusRecord[]
}
