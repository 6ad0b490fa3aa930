/**
 * What one transaction of a partition's writer carries, built from every commit call that
 * group commit put in it: their records, all on the writer's partition, in call order,
 * and the consumer offset of the requests topic, the highest any call asked for (offsets
 * only move forward; a call without one leaves it as the others set it).
 *
 * Pure, so the grouping is tested without Kafka.
 */
import type { TransactionWrite } from "../adapters/kafka-transactions.ts"

/** One record to write; `topic` is the results topic or another (the DLQ). */
export interface OutRecord {
  readonly topic: string
  readonly key: string | null
  readonly value: string
}

/** One `commit` call waiting for its transaction. */
export interface CommitRequest {
  readonly records: readonly OutRecord[]
  readonly nextOffset?: bigint
}

/** Where a partition's writer puts things. */
export interface WriterTarget {
  readonly partition: number
  /** The consumer group whose offset of `requestsTopic` partition `partition` is committed. */
  readonly groupId: string
  readonly requestsTopic: string
}

/** Bytes Kafka adds per record besides key and value (a v2 record's header fields, roughly). */
const recordOverheadBytes = 24

/** Roughly how many bytes `request` adds to a produce request; group commit bounds a transaction by it. */
export const requestWeight = (request: CommitRequest): number =>
  request.records.reduce((n, r) => n + recordOverheadBytes + Buffer.byteLength(r.value) + (r.key === null ? 0 : Buffer.byteLength(r.key)), 0) +
  (request.nextOffset === undefined ? 0 : recordOverheadBytes)

/**
 * The transaction for `requests`. Every record goes to partition `target.partition` of its
 * topic: results records must land on the partition their executor reads, and the DLQ
 * uses the same number so one partition's writer touches one partition per topic.
 */
export const transactionContent = (target: WriterTarget, requests: readonly CommitRequest[]): TransactionWrite => {
  const byTopic = new Map<string, { key: string | null; value: string; partition: number }[]>()
  let next: bigint | undefined
  for (const request of requests) {
    for (const r of request.records) {
      const list = byTopic.get(r.topic) ?? []
      list.push({ key: r.key, value: r.value, partition: target.partition })
      byTopic.set(r.topic, list)
    }
    if (request.nextOffset !== undefined && (next === undefined || request.nextOffset > next)) next = request.nextOffset
  }
  return {
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    ...(next === undefined ? {} : { offset: { groupId: target.groupId, topic: target.requestsTopic, partition: target.partition, next } }),
  }
}

/** True when a transaction would write nothing, so committing it proves nothing about ownership. */
export const isEmptyWrite = (write: TransactionWrite): boolean => write.topicMessages.length === 0 && write.offset === undefined
