/**
 * Splits what one Kafka transaction writes into produce requests small enough for the
 * brokers. kafkajs puts every record of one partition in one send into one record batch,
 * and a broker refuses a batch above `max.message.bytes` (1 MiB by default) with
 * MESSAGE_TOO_LARGE. A batched Bitcoin payout confirming 500 members writes 500 status
 * records to one partition at once, which went over it; the transaction then aborted on
 * every retry and its partition stopped. Sent in chunks within one transaction, the records
 * still become visible together or not at all.
 */

/** Most bytes of keys and values in one produce request: half of Kafka's default `max.message.bytes`. */
export const maxProduceBytes = 512 * 1024

/** What a record costs beyond its key and value (headers, offsets, lengths), estimated. */
const recordOverheadBytes = 64

interface Message {
  readonly key: string | null
  /** Null: a tombstone. */
  readonly value: string | null
}

/** Records by topic, as a produce request carries them. */
export type TopicMessages<M extends Message> = ReadonlyArray<{ readonly topic: string; readonly messages: readonly M[] }>

/** A record's estimated size in bytes (UTF-8). */
export const recordBytes = (m: Message): number => (m.value === null ? 0 : Buffer.byteLength(m.value)) + (m.key === null ? 0 : Buffer.byteLength(m.key)) + recordOverheadBytes

/**
 * Cuts `write` into consecutive chunks of at most `limit` estimated bytes each, keeping
 * the order of records within each topic. A record larger than `limit` goes alone (the
 * broker decides). An empty write gives no chunk.
 */
export const produceChunks = <M extends Message>(write: TopicMessages<M>, limit: number = maxProduceBytes): TopicMessages<M>[] => {
  const chunks: { topic: string; messages: M[] }[][] = []
  let current: { topic: string; messages: M[] }[] = []
  let bytes = 0
  for (const { topic, messages } of write) {
    for (const m of messages) {
      const size = recordBytes(m)
      if (bytes > 0 && bytes + size > limit) {
        chunks.push(current)
        current = []
        bytes = 0
      }
      const last = current[current.length - 1]
      if (last !== undefined && last.topic === topic) last.messages.push(m)
      else current.push({ topic, messages: [m] })
      bytes += size
    }
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}
