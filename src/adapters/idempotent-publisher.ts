/**
 * How records reach Kafka outside transactions: through an idempotent producer with
 * acks=all, one send at a time, and a new producer (a new producer id) after any send that
 * failed.
 *
 * Why a new producer: kafkajs 2.2.4 winds the producer's sequence numbers back for every
 * partition of a produce request that failed, also for partitions the broker did write (a
 * request carrying several partitions fails whole when one of them is refused, e.g. with
 * MESSAGE_TOO_LARGE). That is right while kafkajs retries the same records: the broker
 * takes the repeat for a duplicate and answers with the first write's offset. It is wrong
 * once the send has given up: the next send reuses the numbers, and the broker acks its
 * records as duplicates of the earlier ones without writing them. Seen on Kafka 3.9.1: a
 * send refused on partition 1 (MESSAGE_TOO_LARGE) wrote "first" to partition 0; the next
 * one-record send to partition 0 was answered errorCode 0, baseOffset "0" (the offset of
 * "first"), and partition 0 held "first" only; through the intake, a 202 for a request
 * that is not in `sendto` (test/intake-rewind.test.ts). A new producer id starts its
 * sequence numbers afresh, so nothing it sends is taken for a duplicate of an earlier
 * producer's records. The records the failed send did write stay written; its callers
 * were told they may have been.
 *
 * Why one send at a time: the rewind also lets a concurrent send take the rewound numbers
 * between a failed attempt and kafkajs's retry of it.
 */
import { Effect, type Scope } from "effect"
import { makeRenewOnFailure, RenewableClosed } from "../pipeline/renew-on-failure.ts"
import { KafkaUnavailable } from "./errors.ts"
import { connectIdempotentProducer, publishAll, type KafkaCluster, type OutgoingRecord, type ProducerRetry } from "./kafka.ts"

/** Sends records to Kafka; see the module comment. */
export interface IdempotentPublisher {
  /**
   * Publishes `records` in one produce request per broker and resolves after acks=all.
   * Calls run one at a time, in call order. Rejects with `KafkaUnavailable`: the send
   * failed (its records may have been written), or no new producer could connect after an
   * earlier failure (nothing was sent), or the publisher is closed.
   */
  readonly publish: (records: readonly OutgoingRecord[]) => Promise<void>
}

/** A connected publisher whose producer is disconnected when the scope closes. */
export const scopedIdempotentPublisher = (cluster: KafkaCluster, retry: ProducerRetry): Effect.Effect<IdempotentPublisher, KafkaUnavailable, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          const first = await connectIdempotentProducer(cluster, retry)
          return makeRenewOnFailure(first, () => connectIdempotentProducer(cluster, retry), (producer) => producer.disconnect())
        },
        catch: (cause) => (cause instanceof KafkaUnavailable ? cause : unavailable(cluster, String(cause))),
      }),
      (producers) => Effect.promise(() => producers.close()),
    ),
    (producers) => ({
      publish: (records) =>
        producers.run((producer) => publishAll(cluster, producer, records)).catch((cause: unknown) => {
          throw cause instanceof RenewableClosed ? unavailable(cluster, "the publisher is closed") : cause
        }),
    }),
  )

const unavailable = (cluster: KafkaCluster, detail: string) =>
  new KafkaUnavailable({ operation: "producer.send", brokers: cluster.options.brokers.join(","), detail })
