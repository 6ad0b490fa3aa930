/**
 * Kafka transactions through kafkajs, and reading what they leave behind. This module
 * and `kafka.ts` are the only importers of kafkajs.
 *
 * A transactional producer is opened with `openTransactionalProducer`: kafkajs runs
 * InitProducerId on the first `transaction()` call (not on connect), and that call is
 * what fences an older producer with the same transactional id and settles its open
 * transaction (the coordinator aborts it, or finishes committing it, before answering).
 * Opening therefore begins and aborts an empty transaction, which sends nothing else.
 *
 * kafkajs's transaction state machine has no way back from a failed EndTxn: after a
 * failed commit or abort the producer stays in COMMITTING/ABORTING and every later
 * `transaction()` throws "Transaction state exception". InitProducerId v0/v1 (all kafkajs
 * speaks) cannot say "only if I am still the owner", so re-initialising would fence a
 * newer owner. Such a producer is therefore reported as `WriterMustReopen` and replaced
 * only by its owner's explicit re-open, never here behind its back. The same goes for a
 * producer whose produce failed (see `abortAfter`).
 *
 * The client is kafkajs's own per producer, with bounded retries (`transactionalRetry`, runtime/schedules.ts), so
 * that a refusal surfaces within the transaction timeout instead of hanging. They reach
 * InitProducerId and TxnOffsetCommit only through scripts/patch-kafkajs.ts (kafkajs
 * otherwise retries those with its defaults, whatever the client says). kafkajs warns that limiting
 * an idempotent producer's retries can void idempotence; inside a transaction that does
 * not matter, because a failed transaction is aborted and nothing of it becomes visible.
 */
import { Kafka, logLevel, type Consumer, type Producer, type Transaction } from "kafkajs"
import { transactionalRetry } from "../runtime/schedules.ts"
import { KafkaUnavailable } from "./errors.ts"
import type { KafkaCluster } from "./kafka.ts"
import { classifyTransactionFailure, WriterMustReopen, describeKafkaError, isRetriableKafkaError, WriterFenced } from "./kafka-transaction-errors.ts"
import { produceChunks } from "./produce-chunks.ts"

/** Times sendOffsets is tried again within one transaction when kafkajs gives up on a stale group coordinator. */
const offsetAttempts = 3

/** Who the producer is and how long its transactions may stay open. */
export interface TransactionalSettings {
  readonly transactionalId: string
  /** The coordinator aborts a transaction open longer than this (and fences its producer). */
  readonly transactionTimeoutMs: number
}

/** One record of a transaction, on an explicit partition. */
export interface TransactionalMessage {
  readonly key: string | null
  readonly value: string
  readonly partition: number
}

/** Everything one transaction writes: records per topic and, optionally, one consumer-group offset. */
export interface TransactionWrite {
  readonly topicMessages: ReadonlyArray<{ readonly topic: string; readonly messages: readonly TransactionalMessage[] }>
  readonly offset?: { readonly groupId: string; readonly topic: string; readonly partition: number; readonly next: bigint }
}

/** An initialised transactional producer: it owned its transactional id when it opened. */
export interface TransactionalProducer {
  readonly transactionalId: string
  /**
   * Runs one transaction and resolves with `performance.now()` taken just before EndTxn was
   * sent. Rejects with `WriterFenced`, `WriterMustReopen` (this producer must be replaced:
   * the commit is ambiguous, or a produce failed), or `KafkaUnavailable` (aborted before
   * any record was refused, e.g. the offset commit failed: nothing of it is visible, and
   * the producer can run the next).
   */
  readonly run: (write: TransactionWrite) => Promise<number>
  readonly disconnect: () => Promise<void>
}

const clientFor = (cluster: KafkaCluster, settings: TransactionalSettings) =>
  new Kafka({
    clientId: cluster.options.clientId,
    brokers: [...cluster.options.brokers],
    connectionTimeout: cluster.options.connectionTimeoutMs,
    requestTimeout: Math.min(cluster.options.requestTimeoutMs, settings.transactionTimeoutMs),
    logLevel: logLevel.NOTHING,
    retry: transactionalRetry,
  })

/**
 * Connects a producer for `settings.transactionalId` and initialises it, which fences
 * every earlier producer of that id. Rejects with `KafkaUnavailable` (nothing was fenced
 * for sure; try again).
 */
export const openTransactionalProducer = async (cluster: KafkaCluster, settings: TransactionalSettings): Promise<TransactionalProducer> => {
  const producer = clientFor(cluster, settings).producer({
    transactionalId: settings.transactionalId,
    transactionTimeout: settings.transactionTimeoutMs,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: transactionalRetry,
  })
  const unavailable = (operation: string, cause: unknown) =>
    new KafkaUnavailable({ operation, brokers: cluster.options.brokers.join(","), detail: `${settings.transactionalId}: ${describeKafkaError(cause)}` })
  try {
    await producer.connect()
    const empty = await producer.transaction()
    await empty.abort()
  } catch (cause) {
    await producer.disconnect().catch(() => undefined)
    throw unavailable("producer.initProducerId", cause)
  }
  return {
    transactionalId: settings.transactionalId,
    run: (write) => runTransaction(producer, settings, write, unavailable),
    disconnect: () => producer.disconnect().catch(() => undefined),
  }
}

const runTransaction = async (
  producer: Producer,
  settings: TransactionalSettings,
  write: TransactionWrite,
  unavailable: (operation: string, cause: unknown) => KafkaUnavailable,
): Promise<number> => {
  const id = settings.transactionalId
  let txn: Transaction
  try {
    txn = await producer.transaction()
  } catch (cause) {
    throw failureOf(id, cause, () => unavailable("producer.transaction", cause))
  }
  let step: "produce" | "offsets" = "produce"
  try {
    // One produce request per chunk, one after another (see produce-chunks.ts): all in this transaction.
    for (const chunk of produceChunks(write.topicMessages)) {
      await txn.sendBatch({
        acks: -1,
        timeout: Math.round(settings.transactionTimeoutMs / 2),
        topicMessages: chunk.map((t) => ({ topic: t.topic, messages: t.messages.map((m) => ({ ...m })) })),
      })
    }
    step = "offsets"
    if (write.offset !== undefined) await sendOffset(txn, write.offset)
  } catch (cause) {
    throw await abortAfter(id, txn, step, cause, unavailable)
  }
  const commitSentAt = performance.now()
  try {
    await txn.commit()
  } catch (cause) {
    throw classifyTransactionFailure(cause) === "fenced"
      ? new WriterFenced({ transactionalId: id, detail: describeKafkaError(cause) })
      : new WriterMustReopen({ transactionalId: id, outcome: "unknown", detail: describeKafkaError(cause) })
  }
  return commitSentAt
}

/**
 * TxnOffsetCommit. kafkajs retries a stale group coordinator only under the names
 * NOT_COORDINATOR/COORDINATOR_NOT_AVAILABLE, but names code 16 NOT_COORDINATOR_FOR_GROUP,
 * so that answer (seen here on a fresh group) ends its retries at once; the step is tried
 * again, which looks the coordinator up afresh.
 */
const sendOffset = async (txn: Transaction, offset: NonNullable<TransactionWrite["offset"]>) => {
  const request = { consumerGroupId: offset.groupId, topics: [{ topic: offset.topic, partitions: [{ partition: offset.partition, offset: String(offset.next) }] }] }
  for (let attempt = 1; ; attempt++) {
    try {
      return await txn.sendOffsets(request)
    } catch (cause) {
      if (attempt >= offsetAttempts || !isRetriableKafkaError(cause) || classifyTransactionFailure(cause) !== "failed") throw cause
    }
  }
}

/**
 * Aborts after a failed step and says what the caller got: fenced; aborted with a producer
 * that can run the next transaction (`KafkaUnavailable`, only when every produce had
 * succeeded); or aborted with a producer to replace. After a failed produce kafkajs has
 * rewound that partition's sequence numbers, also for records the broker did append (a
 * request carrying several partitions fails whole when one partition refuses; a timeout
 * may hide a write). The next transaction's records then reuse those numbers and the
 * broker takes them for duplicates of the aborted ones: seen here, a retried commit
 * returned success, its offset and its other topic's records became visible, and its
 * results record never did.
 */
const abortAfter = async (
  id: string,
  txn: Transaction,
  step: "produce" | "offsets",
  cause: unknown,
  unavailable: (operation: string, cause: unknown) => KafkaUnavailable,
) => {
  const kind = classifyTransactionFailure(cause)
  if (kind === "fenced") return new WriterFenced({ transactionalId: id, detail: describeKafkaError(cause) })
  try {
    await txn.abort()
  } catch (abortCause) {
    return failureOf(id, abortCause, () => new WriterMustReopen({ transactionalId: id, outcome: "aborted", detail: `abort failed: ${describeKafkaError(abortCause)}` }))
  }
  return kind === "stuck" || step === "produce"
    ? new WriterMustReopen({ transactionalId: id, outcome: "aborted", detail: `${step} failed: ${describeKafkaError(cause)}` })
    : unavailable("producer.sendOffsets", cause)
}

const failureOf = (id: string, cause: unknown, otherwise: () => KafkaUnavailable | WriterMustReopen) => {
  switch (classifyTransactionFailure(cause)) {
    case "fenced":
      return new WriterFenced({ transactionalId: id, detail: describeKafkaError(cause) })
    case "stuck":
      return new WriterMustReopen({ transactionalId: id, outcome: "aborted", detail: describeKafkaError(cause) })
    case "failed":
      return otherwise()
  }
}

/** Where a consumer has read a partition to, including records it did not hand over. */
export interface BatchProgress {
  readonly topic: string
  readonly partition: number
  /** The offset after the batch's last record, control records and aborted records included. */
  readonly next: bigint
}

/**
 * Calls `listener` after every batch a consumer finished, including the batches kafkajs
 * never hands to `eachBatch`: those holding only transaction markers or aborted records
 * (its runner's `isEmptyDueToFiltering`). Under read_committed a partition whose last
 * records are a commit or abort marker ends with such a batch, so a reader that counts
 * only `eachBatch` never sees the end. Returns the unsubscribe function.
 */
export const onBatchProcessed = (consumer: Consumer, listener: (progress: BatchProgress) => void): (() => void) =>
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    listener({ topic: event.payload.topic, partition: event.payload.partition, next: BigInt(event.payload.lastOffset) + 1n })
  })
