/**
 * Publishes accepted requests to `sendto` (key `<chain>:<sender>`, so one sender's
 * requests stay in order in one partition) with acks=all. Concurrent intake calls share
 * Kafka round trips through group commit. The `accepted` status is applied to this
 * host's view only (not written to `sendto.results`): that halves what each request costs
 * Kafka, and the consumer's first record reaches every view moments later.
 */
import type { SendtoPublisher } from "./sendto-publisher.ts"
import type { OutgoingRecord } from "../adapters/kafka.ts"
import { requestKey, type QueuedRequest } from "../domain/request.ts"
import type { StatusRecord } from "../domain/status.ts"
import { makeGroupCommit } from "./group-commit.ts"

/** What a produce round trip reports: acked, or failed and why (the producer's readiness check listens). */
export interface SendReport {
  readonly acked: () => void
  readonly failed: (cause: unknown) => void
}

/** The topic requests go to. */
export interface PublishTopics {
  readonly requests: string
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
  ...(r.owner ? { owner: r.owner } : {}),
})

/** Most requests one Kafka request carries. */
const maxPerFlush = 2_000

/**
 * Makes the publish function the intake calls; it resolves after acks=all, and rejects
 * with `Withdrawn` when its signal took the requests back while they still waited for a
 * flush. Each Kafka round trip's outcome also goes to `sends` (the producer's readiness check).
 */
export const makeRequestPublisher = (
  publisher: SendtoPublisher,
  topics: PublishTopics,
  onAccepted: (records: readonly StatusRecord[]) => void,
  sends?: SendReport,
) => {
  const gc = makeGroupCommit<QueuedRequest>(async (requests) => {
    const records: OutgoingRecord[] = requests.map((r) => ({ topic: topics.requests, key: requestKey(r), value: JSON.stringify(r) }))
    try {
      await publisher.publish(records, (cause) => sends?.failed(cause))
    } catch (cause) {
      sends?.failed(cause)
      throw cause
    }
    sends?.acked()
  }, maxPerFlush)
  // The shape of the intake's `Publish` port, spelled out: kafka/ sits below the intake and does not import it.
  const publish = async (requests: readonly QueuedRequest[], signal: AbortSignal): Promise<void> => {
    await gc.submit(requests, signal)
    onAccepted(requests.map((r) => acceptedRecord(r)))
  }
  return publish
}
