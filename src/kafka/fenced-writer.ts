/**
 * The fenced writer of one partition: the only way a partition's executor records
 * anything. It writes through a Kafka transactional producer whose transactional id
 * belongs to the partition (`<group>-exec-p<partition>`), so opening it on a new owner
 * fences the old owner: the old one's open transaction is aborted before `open()`
 * returns, and its every later write fails with `WriterFenced`. Records and the consumer
 * offset of the requests partition commit in one transaction, so a request is consumed
 * exactly when its records are visible to read_committed readers.
 *
 * Concurrent `commit` calls share transactions (group commit): while one transaction is
 * in flight the next calls queue, and the next transaction carries all of them, bounded
 * by size. Every caller gets the proof of the transaction that carried it.
 *
 * `owns(proof)` bounds how long a broadcast may rely on a commit: `graceMs` after the
 * commit was sent (the caller passes half its consumer session timeout). A successful
 * commit shows the partition was this writer's when the coordinator took the EndTxn, which
 * was after `committedAt`; a new owner needs the old one's session to lapse first. The
 * clock is `performance.now()`, which is monotonic and keeps running while the process is
 * stopped: a Bun process stopped with SIGSTOP for 3 s and continued saw 3,131 ms pass in
 * `performance.now()` (and in `Date.now()`) across a 500 ms timer. So a frozen executor
 * that wakes past the grace fails `owns` before it can broadcast, without asking Kafka.
 */
import { KafkaUnavailable } from "../adapters/errors.ts"
import type { KafkaCluster } from "../adapters/kafka.ts"
import { openTransactionalProducer, type TransactionalProducer } from "../adapters/kafka-transactions.ts"
import { makeGroupCommit } from "./group-commit.ts"
import { isEmptyWrite, requestWeight, transactionContent, type CommitRequest, type OutRecord } from "./transaction-content.ts"
import { commitRefusal, newWriter, openRefusal, transition, type WriterState } from "./writer-state.ts"

export type { OutRecord } from "./transaction-content.ts"
export { WriterFenced, WriterMustReopen } from "../adapters/kafka-transaction-errors.ts"
export { WriterNotOpen } from "./writer-state.ts"

/** What a commit proves: the partition was this writer's at `committedAt` (`performance.now()` when EndTxn was sent). */
export interface CommitProof {
  readonly committedAt: number
}

/** A partition's transactional writer; see the module comment. */
export interface FencedWriter {
  readonly partition: number
  /** Fences earlier owners of this partition (initProducerId) and aborts their open transaction. Call first, and again after `WriterMustReopen`. */
  readonly open: () => Promise<void>
  /**
   * Writes `records` (each to partition `this.partition` of its topic) and, if given,
   * commits the consumer group offset `nextOffset` of the requests topic's partition
   * `this.partition`, in ONE transaction. Concurrent calls share transactions (group
   * commit). On failure nothing of it may be broadcast, and it rejects with:
   * - `WriterFenced` when a newer owner exists (terminal: stop);
   * - `KafkaUnavailable` when the transaction was aborted and the writer can go on
   *   (nothing is visible; commit again);
   * - `WriterMustReopen` when the commit is ambiguous (`outcome: "unknown"`: EndTxn got
   *   no answer) or was aborted with the producer left unusable (`outcome: "aborted"`: a
   *   record was refused). Every later call rejects with the same error until `open()`;
   *   open again, rebuild from the records, then commit the same bytes again.
   */
  readonly commit: (records: readonly OutRecord[], nextOffset?: bigint) => Promise<CommitProof>
  /** True while a broadcast may still rely on the last commit: now - committedAt < grace, and not fenced since. */
  readonly owns: (proof: CommitProof) => boolean
  readonly close: () => Promise<void>
}

/** How a partition's writer is set up. */
export interface FencedWriterOptions {
  readonly partition: number
  /** The executors' consumer group: its offsets are committed, and it names the transactional id. */
  readonly groupId: string
  readonly requestsTopic: string
  /** How long after a commit a broadcast may rely on it; half the consumer session timeout. */
  readonly graceMs: number
  /** The coordinator aborts (and fences) a transaction open longer than this. Default 10 s. */
  readonly transactionTimeoutMs?: number
  /** Most bytes of records one transaction carries (Kafka refuses batches over 1 MiB by default). Default 512 KiB. */
  readonly maxTransactionBytes?: number
}

/** The transactional id of a partition's executor. */
export const executorTransactionalId = (groupId: string, partition: number): string => `${groupId}-exec-p${partition}`

const defaultTransactionTimeoutMs = 10_000
const defaultMaxTransactionBytes = 512 * 1024

/** A proof that proves nothing: a call with no records and no offset wrote nothing, so it saw no coordinator. */
const noProof: CommitProof = { committedAt: Number.NEGATIVE_INFINITY }

/** Makes the writer; nothing touches Kafka until `open()`. */
export const makeFencedWriter = (cluster: KafkaCluster, options: FencedWriterOptions): FencedWriter => {
  const transactionalId = executorTransactionalId(options.groupId, options.partition)
  const target = { partition: options.partition, groupId: options.groupId, requestsTopic: options.requestsTopic }
  let state: WriterState = newWriter
  let producer: TransactionalProducer | undefined
  let opening: Promise<void> | undefined

  const dropProducer = () => {
    const old = producer
    producer = undefined
    return old === undefined ? Promise.resolve() : old.disconnect()
  }

  const flush = async (requests: readonly CommitRequest[]): Promise<CommitProof> => {
    const refusal = commitRefusal(state, transactionalId)
    if (refusal !== undefined) throw refusal
    const write = transactionContent(target, requests)
    if (isEmptyWrite(write)) return noProof
    const current = producer
    if (current === undefined) throw new KafkaUnavailable({ operation: "producer.transaction", brokers: cluster.options.brokers.join(","), detail: `${transactionalId} has no producer` })
    try {
      return { committedAt: await current.run(write) }
    } catch (error) {
      const before = state.phase
      state = transition(state, { type: "failed", error })
      if (state.phase !== before) void dropProducer()
      throw error
    }
  }
  const group = makeGroupCommit<CommitRequest, CommitProof>(flush, options.maxTransactionBytes ?? defaultMaxTransactionBytes, requestWeight, noProof)

  const openOnce = async () => {
    await dropProducer()
    const next = await openTransactionalProducer(cluster, {
      transactionalId,
      transactionTimeoutMs: options.transactionTimeoutMs ?? defaultTransactionTimeoutMs,
    })
    if (state.phase === "closed") {
      await next.disconnect()
      return
    }
    producer = next
    state = transition(state, { type: "opened" })
  }

  return {
    partition: options.partition,
    open: () => {
      const refusal = openRefusal(state, transactionalId)
      if (refusal !== undefined) return Promise.reject(refusal)
      if (state.phase === "open") return Promise.resolve()
      opening ??= openOnce().finally(() => {
        opening = undefined
      })
      return opening
    },
    commit: (records, nextOffset) => group.submit([nextOffset === undefined ? { records } : { records, nextOffset }]),
    owns: (proof) => state.phase !== "fenced" && performance.now() - proof.committedAt < options.graceMs,
    close: async () => {
      state = transition(state, { type: "closed" })
      await opening?.catch(() => undefined)
      await dropProducer()
    },
  }
}
