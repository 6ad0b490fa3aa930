/**
 * A one-phrase description of what a host is for ("broker/consumer",
 * "producer", "bitcoin node"), and the count of each. `gateway config check`
 * ends with that count so a layout can be compared with the paper's
 * Table 1 at a glance.
 */
import type { HostPlan } from "./host-plan.ts"

/**
 * The host's kind: Kafka broker, consumer and producer first (the parts of
 * paper A), then other roles, then the chain node it carries.
 */
export const hostKind = (plan: HostPlan): string => {
  const main = [
    plan.services.includes("kafka-broker") ? "broker" : undefined,
    plan.roles.includes("consumer") ? "consumer" : undefined,
    plan.roles.includes("producer") ? "producer" : undefined,
  ].filter((part) => part !== undefined)
  if (main.length > 0) return main.join("/")
  if (plan.roles.length > 0) return plan.roles.join("/")
  const chains = [
    plan.services.includes("bitcoin-node") ? "bitcoin node" : undefined,
    plan.services.includes("ethereum-node") ? "ethereum node" : undefined,
  ].filter((part) => part !== undefined)
  if (chains.length > 0) return chains.join("/")
  return plan.services.length > 0 ? plan.services.join("/") : "idle"
}

/** Counts by kind in first-seen order, e.g. `3 broker/consumer hosts, 5 producer hosts, 1 bitcoin node host`. */
export const summarizeHostKinds = (plans: ReadonlyArray<HostPlan>): string => {
  const counts = new Map<string, number>()
  for (const plan of plans) {
    const kind = hostKind(plan)
    counts.set(kind, (counts.get(kind) ?? 0) + 1)
  }
  return [...counts].map(([kind, n]) => `${n} ${kind} ${n === 1 ? "host" : "hosts"}`).join(", ")
}
