/**
 * Publishes accepted requests to `sendto` (key `<chain>:<sender>`, so one sender's
 * requests stay in order in one partition) together with their `accepted` status record
 * in `sendto.results`, in one acks=all request. Concurrent intake calls share Kafka round
 * trips through group commit.
 */
import { publishAll, type KafkaCluster, type KafkaProducer, type OutgoingRecord } from "../../adapters/kafka.ts"
import { requestKey, type QueuedRequest } from "../../domain/request.ts"
import type { StatusRecord } from "../../domain/status.ts"
import { makeGroupCommit } from "../../pipeline/group-commit.ts"

/** The topics a request and its first status go to. */
export interface PublishTopics {
  readonly requests: string
  readonly results: string
}

/** The record that tells every status view a request was accepted. */
export const acceptedRecord = (r: QueuedRequest, partition = -1): StatusRecord => ({
  id: r.id,
  status: "accepted",
  chain: r.body.chain,
  sender: r.sender,
  partition,
  at: r.accepted_at,
  body_hash: r.body_hash,
  ...(r.batch_id ? { batch_id: r.batch_id } : {}),
})

/** Most requests one Kafka request carries. */
const maxPerFlush = 2_000

/** Makes the publish function the intake calls; it resolves after acks=all. */
export const makeRequestPublisher = (cluster: KafkaCluster, producer: KafkaProducer, topics: PublishTopics) => {
  const gc = makeGroupCommit<QueuedRequest>((requests) => {
    const records: OutgoingRecord[] = []
    for (const r of requests) {
      records.push({ topic: topics.requests, key: requestKey(r), value: JSON.stringify(r) })
      records.push({ topic: topics.results, key: r.id, value: JSON.stringify(acceptedRecord(r)) })
    }
    return publishAll(cluster, producer, records)
  }, maxPerFlush)
  return (requests: readonly QueuedRequest[]) => gc.submit(requests)
}
