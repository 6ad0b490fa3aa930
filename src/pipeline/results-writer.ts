/**
 * Writes status records to `sendto.results` (keyed by request id, so compaction keeps the
 * latest status of each request). Concurrent writers share Kafka round trips through
 * group commit; each caller still waits for acks=all on its own records.
 */
import type { IdempotentPublisher } from "../adapters/idempotent-publisher.ts"
import type { ProducerRetry } from "../adapters/kafka.ts"
import type { StatusRecord } from "../domain/status.ts"
import { makeGroupCommit } from "./group-commit.ts"

/** Records statuses durably. */
export interface ResultsWriter {
  /** Resolves after every record is acked by all in-sync replicas. */
  readonly write: (records: readonly StatusRecord[]) => Promise<void>
}

/**
 * How the producer under a results writer retries: bounded, so a write fails (and its
 * actor restarts) rather than waiting forever; a status record written twice is
 * harmless, since it is keyed by request id and applied idempotently.
 */
export const resultsProducerRetry: ProducerRetry = { retries: 3 }

/** Most records one Kafka request carries. */
const maxRecordsPerFlush = 1000

/** Builds a writer over a connected publisher. */
export const makeResultsWriter = (publisher: IdempotentPublisher, topic: string): ResultsWriter => {
  const gc = makeGroupCommit<StatusRecord>(
    (records) => publisher.publish(records.map((r) => ({ topic, key: r.id, value: JSON.stringify(r) }))),
    maxRecordsPerFlush,
  )
  return { write: gc.submit }
}
