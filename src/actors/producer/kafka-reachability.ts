/**
 * The producer's readiness check, "producer.kafka": can this host make a request durable
 * right now? Two kinds of evidence feed it. A cheap metadata request (the cluster's
 * broker list) goes out every `kafkaProbeMs` and must answer within the connection
 * timeout, so the check fails within a few seconds of the brokers going away even when
 * no request arrives; and every produce round trip reports its own outcome, so a send
 * that fails turns the check at once. The newest evidence wins.
 */
import { Effect } from "effect"
import { brokerCount, type KafkaAdmin, type KafkaCluster } from "../../adapters/kafka.ts"
import { describe } from "../../adapters/errors.ts"
import type { Readiness, ReadinessCheck } from "../../host/readiness.ts"
import type { SendReport } from "../../kafka/request-publisher.ts"
import { kafkaProbe, kafkaProbeMs } from "../../runtime/schedules.ts"

/** The check's name in `/readyz`. */
export const producerKafkaCheckName = "producer.kafka"

/** Registers (or finds) the producer's check; `probeTimeoutMs` bounds one probe. */
export const producerKafkaCheck = (readiness: Readiness, probeTimeoutMs: number): ReadinessCheck =>
  readiness.check(producerKafkaCheckName, {
    initialReason: "the producer has not connected to Kafka yet",
    // A probe that neither answers nor fails (a stuck loop) must not leave the host ready.
    staleAfterMs: 2 * (kafkaProbeMs + probeTimeoutMs),
    staleReason: "no metadata answer from Kafka",
  })

/** The failure reason for a probe or a send that did not go through. */
export const kafkaFailureReason = (what: string, cause: unknown): string => `${what}: ${describe(cause)}`

/**
 * One metadata request, bounded by `timeoutMs`: passes the check and reports the broker
 * count, or fails the check with what went wrong. Never fails itself.
 */
export const probeKafkaOnce = (cluster: KafkaCluster, admin: KafkaAdmin, check: ReadinessCheck, timeoutMs: number, onBrokers: (n: number) => void) =>
  brokerCount(cluster, admin).pipe(
    Effect.timeoutOrElse({
      duration: timeoutMs,
      orElse: () => Effect.fail(new Error(`no broker of ${cluster.options.brokers.join(",")} answered within ${timeoutMs} ms`)),
    }),
    Effect.match({
      onFailure: (error) => check.fail(kafkaFailureReason("a metadata request to Kafka failed", error)),
      onSuccess: (n) => {
        onBrokers(n)
        if (n > 0) check.pass()
        else check.fail("Kafka answered a metadata request with no brokers")
      },
    }),
  )

/** Probes every `kafkaProbeMs` until the scope closes. */
export const probeKafka = (cluster: KafkaCluster, admin: KafkaAdmin, check: ReadinessCheck, timeoutMs: number, onBrokers: (n: number) => void) =>
  Effect.repeat(probeKafkaOnce(cluster, admin, check, timeoutMs, onBrokers), kafkaProbe)

/** Feeds each produce round trip's outcome to the check. */
export const sendReportTo = (check: ReadinessCheck): SendReport => ({
  acked: () => check.pass(),
  failed: (cause) => check.fail(kafkaFailureReason("a produce request to Kafka failed", cause)),
})
