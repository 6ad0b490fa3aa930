/**
 * The consumer's readiness check, "consumer.group": does this host hold its membership
 * of the consumer group? A member that joined and whose heartbeats the coordinator
 * answers holds it; a crash, a disconnect or a stop loses it at once; and heartbeats
 * that stop for longer than the session timeout mean the coordinator has evicted the
 * member, whatever kafkajs still believes. A rebalance keeps the member in the group
 * while it re-joins, so it changes nothing by itself (the staleness rule still applies).
 */
import type { MembershipEvent } from "../../adapters/kafka.ts"
import type { Evidence, Readiness, ReadinessCheck, SignalOptions } from "../../host/readiness.ts"

/** The check's name in `/readyz`. */
export const consumerGroupCheckName = "consumer.group"

/** What kafkajs's consumer settings mean for the check. */
export interface GroupTimings {
  readonly groupId: string
  readonly sessionTimeoutMs: number
  readonly heartbeatIntervalMs: number
}

/**
 * Fresh for a session timeout after the last answered heartbeat, plus one heartbeat
 * interval for the round trip (kafkajs reports a heartbeat when its answer arrives).
 */
export const groupCheckOptions = (t: GroupTimings): SignalOptions => ({
  initialReason: `the consumer has not joined group ${t.groupId} yet`,
  staleAfterMs: t.sessionTimeoutMs + t.heartbeatIntervalMs,
  staleReason: `no heartbeat of group ${t.groupId} answered within the session timeout (${t.sessionTimeoutMs} ms), so the coordinator has evicted this member`,
})

/** The evidence one event gives; undefined when it says nothing about membership. */
export const membershipEvidence = (event: MembershipEvent, groupId: string): Evidence | undefined => {
  switch (event._tag) {
    case "joined":
    case "heartbeat":
      return { ok: true }
    case "rebalancing":
      return undefined
    case "crashed":
      return { ok: false, reason: `the consumer of group ${groupId} crashed (${event.error}); it re-joins once restarted` }
    case "disconnected":
      return { ok: false, reason: `the consumer of group ${groupId} disconnected from Kafka` }
    case "stopped":
      return { ok: false, reason: `the consumer of group ${groupId} stopped` }
  }
}

/** Registers (or finds) the host's consumer check. */
export const consumerGroupCheck = (readiness: Readiness, t: GroupTimings): ReadinessCheck => readiness.check(consumerGroupCheckName, groupCheckOptions(t))

/** Feeds one event to the check. */
export const reportMembership = (check: ReadinessCheck, groupId: string) => (event: MembershipEvent): void => {
  const evidence = membershipEvidence(event, groupId)
  if (evidence === undefined) return
  if (evidence.ok) check.pass()
  else check.fail(evidence.reason)
}
