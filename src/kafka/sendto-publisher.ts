/**
 * How accepted requests reach `sendto`: acks=all, one send at a time, no retries inside
 * kafkajs, and no kafkajs idempotence (see `connectSendtoProducer` for the measured reason).
 * A send that failed in passing (a broker gone, a leader moved, too few replicas) is sent
 * again after `sendtoResendDelayMs`, the same records, from a new producer (new
 * connections, fresh metadata: the partition may have a new leader), until it is acked; a refusal that would only repeat
 * (a record too large) ends the send at once. A failed attempt may have written some records, so a
 * request can land in `sendto` twice; the partition executor skips the copy by its
 * request id. An ack means every in-sync replica holds every record of the send.
 *
 * Why one send at a time: a later send must not overtake an earlier one that is being
 * sent again, or one sender's requests could reach Kafka out of order.
 */
import { Effect, type Scope } from "effect"
import { makeRenewOnFailure, RenewableClosed } from "./renew-on-failure.ts"
import { describe, KafkaUnavailable } from "../adapters/errors.ts"
import { connectSendtoProducer, publishAll, type KafkaCluster, type OutgoingRecord } from "../adapters/kafka.ts"
import { sendtoResendDelayMs } from "../runtime/schedules.ts"

/** Sends records to `sendto`; see the module comment. */
export interface SendtoPublisher {
  /**
   * Publishes `records` and resolves after acks=all, sending them again from a new producer
   * after each attempt that failed in passing. Calls run one at a time, in call order.
   * `onFailedAttempt` hears of each failed attempt (the producer's readiness check).
   * Rejects with `KafkaUnavailable` when the brokers refused for good (some records may
   * have been written), or when the publisher is closed.
   */
  readonly publish: (records: readonly OutgoingRecord[], onFailedAttempt?: (cause: unknown) => void) => Promise<void>
}

/** A connected publisher whose producer is disconnected when the scope closes. */
export const scopedSendtoPublisher = (cluster: KafkaCluster): Effect.Effect<SendtoPublisher, KafkaUnavailable, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          const first = await connectSendtoProducer(cluster)
          return makeRenewOnFailure(first, () => connectSendtoProducer(cluster), (producer) => producer.disconnect())
        },
        catch: (cause) => (cause instanceof KafkaUnavailable ? cause : unavailable(cluster, describe(cause))),
      }),
      (producers) => Effect.promise(() => producers.close()),
    ),
    (producers) => {
      // One send at a time, each retried to the end before the next starts.
      let tail: Promise<void> = Promise.resolve()
      const sendUntilAcked = async (records: readonly OutgoingRecord[], onFailedAttempt?: (cause: unknown) => void) => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await producers.run((producer) => publishAll(cluster, producer, records))
          } catch (cause) {
            if (cause instanceof RenewableClosed) throw unavailable(cluster, "the publisher is closed")
            onFailedAttempt?.(cause)
            if (cause instanceof KafkaUnavailable && cause.retriable === false) throw cause
            await new Promise((r) => setTimeout(r, sendtoResendDelayMs(attempt)))
          }
        }
      }
      return {
        publish: (records, onFailedAttempt) => {
          const sent = tail.then(() => sendUntilAcked(records, onFailedAttempt))
          tail = sent.catch(() => undefined)
          return sent
        },
      }
    },
  )

const unavailable = (cluster: KafkaCluster, detail: string) =>
  new KafkaUnavailable({ operation: "producer.send", brokers: cluster.options.brokers.join(","), detail })
