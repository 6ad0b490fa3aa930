/**
 * What one host runs: its gateway roles, the actors those roles start and
 * the infrastructure it carries. The supervisor builds its tree from this,
 * and `gateway config check` prints it, so both read the same answer.
 */
import { Result } from "effect"
import type { Chain } from "./chain.ts"
import { type GatewayConfig, webhookSettingsOf } from "./gateway-config.ts"
import { HostPlanError } from "./host-plan-error.ts"
import { nearestName } from "./nearest-name.ts"
import { replicaListenOf } from "./replica-listen.ts"
import { ROLES, type Role } from "./role.ts"
import type { Service } from "./service.ts"

/** One actor a role starts, with the detail that tells two of a kind apart. */
export type ActorPlan =
  | { readonly kind: "producer"; readonly role: "producer" }
  | { readonly kind: "http-intake"; readonly role: "producer"; readonly listen: string }
  | { readonly kind: "partition-consumer-group"; readonly role: "consumer"; readonly groupId: string }
  | { readonly kind: "notifier"; readonly role: "consumer"; readonly groupId: string }
  | { readonly kind: "node-throttler"; readonly role: "consumer"; readonly node: string; readonly chain: Chain }
  | { readonly kind: "replica"; readonly role: "replica"; readonly serviceId: string }
  | { readonly kind: "replica-http"; readonly role: "replica"; readonly listen: string }
  | { readonly kind: "registry-watcher"; readonly role: "registry-watcher" }

/** The actor kinds, for tables and metrics keyed by kind. */
export type ActorKind = ActorPlan["kind"]

/** Everything one host runs and carries. */
export interface HostPlan {
  readonly host: string
  readonly address: string
  /** Gateway roles, de-duplicated, in start order (see ROLES). */
  readonly roles: ReadonlyArray<Role>
  /** True when `--role` replaced the roles the config gives this host. */
  readonly rolesOverridden: boolean
  /** Actors in start order; stop them in reverse. */
  readonly actors: ReadonlyArray<ActorPlan>
  /** Infrastructure on this host; informational, the gateway does not start it. */
  readonly services: ReadonlyArray<Service>
  /** The node endpoints this host's consumers call. */
  readonly nodes: ReadonlyArray<string>
}

/** A short label for an actor, e.g. `node-throttler(btc-1)`. */
export const actorLabel = (actor: ActorPlan): string =>
  actor.kind === "node-throttler" ? `node-throttler(${actor.node})` : actor.kind

/**
 * Plans `hostName` from `config`, with `roleOverride` (from `--role`) in
 * place of the configured roles when given. Fails for an unknown host, or
 * for a consumer role on a host that lists no nodes to call.
 */
export const hostPlan = (
  config: GatewayConfig,
  hostName: string,
  roleOverride?: ReadonlyArray<Role>,
): Result.Result<HostPlan, HostPlanError> => {
  const host = config.hosts.find((h) => h.name === hostName)
  if (host === undefined) return Result.fail(unknownHost(config, hostName))
  const wanted = roleOverride ?? host.roles
  const roles = ROLES.filter((role) => wanted.includes(role))
  if (roles.includes("consumer") && host.nodes.length === 0) {
    return Result.fail(
      new HostPlanError({
        problem: "no-nodes",
        message: `host ${host.name} lists no nodes, so the consumer role would have nothing to call; add nodes = ["..."] to its [[hosts]] entry or choose a host that has them`,
      }),
    )
  }
  return Result.succeed({
    host: host.name,
    address: host.address,
    roles,
    rolesOverridden: roleOverride !== undefined,
    actors: roles.flatMap((role) => actorsFor(config, host, role)),
    services: host.services,
    nodes: host.nodes,
  })
}

const actorsFor = (config: GatewayConfig, host: GatewayConfig["hosts"][number], role: Role): ReadonlyArray<ActorPlan> => {
  const nodes = host.nodes
  switch (role) {
    case "producer":
      return [
        { kind: "producer", role },
        { kind: "http-intake", role, listen: config.intake.listen },
      ]
    case "consumer":
      return [
        { kind: "partition-consumer-group", role, groupId: config.kafka.consumer.group_id },
        // Webhook deliveries, in a group of their own, while [webhooks].enabled (the default).
        ...(webhookSettingsOf(config.webhooks).enabled ? [{ kind: "notifier", role, groupId: `${config.kafka.consumer.group_id}.notifier` } as const] : []),
        ...nodes.flatMap((name): ReadonlyArray<ActorPlan> => {
          const node = config.nodes.find((n) => n.name === name)
          return node === undefined ? [] : [{ kind: "node-throttler", role, node: node.name, chain: node.chain }]
        }),
      ]
    case "replica":
      return [
        { kind: "replica", role, serviceId: config.replica.service_id },
        { kind: "replica-http", role, listen: replicaListenOf(config, host) },
      ]
    case "registry-watcher":
      return [{ kind: "registry-watcher", role }]
  }
}

/** The error for a host name not in the file, with the nearest name and the full list. */
export const unknownHost = (config: GatewayConfig, hostName: string): HostPlanError => {
  const names = config.hosts.map((h) => h.name)
  const guess = nearestName(hostName, names)
  const hint = guess === undefined ? "" : `did you mean ${guess}? `
  return new HostPlanError({
    problem: "unknown-host",
    message: `no host named "${hostName}"; ${hint}hosts: ${names.join(", ")}`,
  })
}
