/**
 * Rules that span more than one key, run after the schema has typed the
 * values. Each check reads only the sections it needs and skips when one of
 * them failed the schema, so a broken `[kafka]` does not hide a duplicate
 * host name: the operator still sees every problem in one pass.
 */
import { type ConfigIssue, formatFound, formatKeyPath, type KeySegment } from "./config-issue.ts"
import type { GatewayConfig } from "./gateway-config.ts"
import { nearestName } from "./nearest-name.ts"

/** The sections of a config that passed the schema; absent ones failed it. */
export type CheckedSections = Partial<GatewayConfig>

type CrossCheck = (config: CheckedSections) => ReadonlyArray<ConfigIssue>

const issue = (path: ReadonlyArray<KeySegment>, expected: string, found: string): ConfigIssue => ({
  path: formatKeyPath(path),
  expected,
  found,
})

/** Reports each repeat of a value after its first use, pointing back at the first. */
const duplicates = (
  values: ReadonlyArray<string>,
  pathOf: (index: number) => ReadonlyArray<KeySegment>,
  what: string,
): ReadonlyArray<ConfigIssue> => {
  const first = new Map<string, number>()
  return values.flatMap((value, index) => {
    const earlier = first.get(value)
    if (earlier === undefined) {
      first.set(value, index)
      return []
    }
    return [issue(pathOf(index), what, `${formatFound(value)} again (first at ${formatKeyPath(pathOf(earlier))})`)]
  })
}

const kafkaChecks: CrossCheck = ({ kafka }) => {
  if (kafka === undefined) return []
  const { topics, consumer } = kafka
  const found: Array<ConfigIssue> = []
  if (topics.min_insync_replicas > topics.replication_factor) {
    found.push(
      issue(
        ["kafka", "topics", "min_insync_replicas"],
        `at most replication_factor (${topics.replication_factor}), or no write could ever be acknowledged`,
        String(topics.min_insync_replicas),
      ),
    )
  }
  if (consumer.heartbeat_interval_ms >= consumer.session_timeout_ms) {
    found.push(
      issue(
        ["kafka", "consumer", "heartbeat_interval_ms"],
        `less than session_timeout_ms (${consumer.session_timeout_ms}), ideally a third of it`,
        String(consumer.heartbeat_interval_ms),
      ),
    )
  }
  // A broadcast relies on the last commit for half the session timeout; a longer pause would make every one wait for fresh proof.
  if (consumer.transaction_interval_ms >= consumer.session_timeout_ms / 2) {
    found.push(
      issue(
        ["kafka", "consumer", "transaction_interval_ms"],
        `less than half of session_timeout_ms (${consumer.session_timeout_ms / 2}), the time a broadcast may rely on the last commit`,
        String(consumer.transaction_interval_ms),
      ),
    )
  }
  if (consumer.transaction_interval_light_ms > consumer.transaction_interval_ms) {
    found.push(
      issue(
        ["kafka", "consumer", "transaction_interval_light_ms"],
        `at most transaction_interval_ms (${consumer.transaction_interval_ms}): the pause without a backlog is the shorter one`,
        String(consumer.transaction_interval_light_ms),
      ),
    )
  }
  const names = [topics.requests, topics.results, topics.dlq]
  const keys = ["requests", "results", "dlq"]
  found.push(...duplicates(names, (i) => ["kafka", "topics", keys[i] ?? ""], "a topic name not used by another topic"))
  return found
}

const etcdChecks: CrossCheck = ({ etcd }) => {
  if (etcd === undefined) return []
  const found: Array<ConfigIssue> = []
  if (etcd.step_down_after_ms >= etcd.lease_ttl_s * 1000) {
    found.push(
      issue(
        ["etcd", "step_down_after_ms"],
        `less than lease_ttl_s * 1000 (${etcd.lease_ttl_s * 1000}), so a cut-off leader stops before its lease can expire`,
        String(etcd.step_down_after_ms),
      ),
    )
  }
  const beat = etcd.leader_beat_ms ?? 0
  if (beat > 0 && 3 * beat >= etcd.lease_ttl_s * 1000) {
    found.push(
      issue(
        ["etcd", "leader_beat_ms"],
        `0 (off) or less than a third of lease_ttl_s * 1000 (so under ${Math.ceil((etcd.lease_ttl_s * 1000) / 3)}): followers end a leadership silent for 3 beats, which must come before its lease expires to gain anything`,
        String(beat),
      ),
    )
  }
  return found
}

const runtimeChecks: CrossCheck = ({ runtime }) => {
  if (runtime === undefined) return []
  const found: Array<ConfigIssue> = []
  if (runtime.backoff_base_ms > runtime.backoff_max_ms) {
    found.push(issue(["runtime", "backoff_base_ms"], `at most backoff_max_ms (${runtime.backoff_max_ms})`, String(runtime.backoff_base_ms)))
  }
  if (runtime.shutdown_timeout_ms > runtime.drain_timeout_ms) {
    found.push(
      issue(
        ["runtime", "shutdown_timeout_ms"],
        `at most drain_timeout_ms (${runtime.drain_timeout_ms}), so one child cannot outlast the whole drain`,
        String(runtime.shutdown_timeout_ms),
      ),
    )
  }
  return found
}

const nodeChecks: CrossCheck = ({ nodes }) => {
  if (nodes === undefined) return []
  const found: Array<ConfigIssue> = [
    ...duplicates(nodes.map((n) => n.name), (i) => ["nodes", i, "name"], "a node name not used by another node"),
    ...duplicates(
      nodes.map((n) => n.url),
      (i) => ["nodes", i, "url"],
      "a URL not used by another node (two entries would double the load one node may take)",
    ),
  ]
  nodes.forEach((node, index) => {
    if (node.chain !== "bitcoin") return
    if (node.user === undefined) {
      found.push(issue(["nodes", index, "user"], "a user name (Bitcoin JSON-RPC uses basic auth)", formatFound(undefined)))
    }
    if (node.password_env === undefined) {
      found.push(
        issue(["nodes", index, "password_env"], "the environment variable holding the RPC password", formatFound(undefined)),
      )
    }
  })
  return found
}

const hostChecks: CrossCheck = ({ hosts }) => {
  if (hosts === undefined) return []
  const found: Array<ConfigIssue> = [
    ...duplicates(hosts.map((h) => h.name), (i) => ["hosts", i, "name"], "a host name not used by another host"),
  ]
  hosts.forEach((host, h) => {
    found.push(...duplicates(host.roles, (i) => ["hosts", h, "roles", i], "each role at most once"))
    found.push(...duplicates(host.services, (i) => ["hosts", h, "services", i], "each service at most once"))
    found.push(...duplicates(host.nodes, (i) => ["hosts", h, "nodes", i], "each node at most once"))
    if (host.roles.includes("consumer") && host.nodes.length === 0) {
      found.push(issue(["hosts", h, "nodes"], "at least one [[nodes]] name, because this host runs the consumer role", "[]"))
    }
  })
  return found
}

const hostNodeChecks: CrossCheck = ({ hosts, nodes }) => {
  if (hosts === undefined || nodes === undefined) return []
  const names = nodes.map((n) => n.name)
  return hosts.flatMap((host, h) =>
    host.nodes.flatMap((name, i) => {
      if (names.includes(name)) return []
      const guess = nearestName(name, names)
      const hint = guess === undefined ? "" : ` (did you mean ${guess}?)`
      return [issue(["hosts", h, "nodes", i], `one of the [[nodes]] names ${names.join(", ")}`, `${formatFound(name)}${hint}`)]
    }),
  )
}

const stackChecks: CrossCheck = ({ hosts, stack }) => {
  if (hosts === undefined || stack === undefined || stack.profile !== "kraft") return []
  return hosts.flatMap((host, h) =>
    host.services.flatMap((service, i) =>
      service === "zookeeper"
        ? [issue(["hosts", h, "services", i], `no zookeeper while stack.profile is "kraft" (set it to "paper")`, `"zookeeper"`)]
        : [],
    ),
  )
}

const listenChecks: CrossCheck = ({ hosts, intake, replica }) => {
  if (hosts === undefined || intake === undefined || replica === undefined) return []
  const both = hosts.filter((h) => h.roles.includes("producer") && h.roles.includes("replica"))
  const shared = both.filter((h) => h.replica_listen === undefined)
  const found: Array<ConfigIssue> = []
  if (intake.listen === replica.listen && shared.length > 0) {
    found.push(
      issue(
        ["replica", "listen"],
        `an address other than intake.listen, since ${shared.map((h) => h.name).join(", ")} runs both producer and replica`,
        formatFound(replica.listen),
      ),
    )
  }
  hosts.forEach((h, i) => {
    if (h.replica_listen !== undefined && h.replica_listen === intake.listen && both.includes(h)) {
      found.push(issue(["hosts", i, "replica_listen"], "an address other than intake.listen, since this host runs both producer and replica", formatFound(h.replica_listen)))
    }
  })
  return found
}

const CHECKS: ReadonlyArray<CrossCheck> = [
  kafkaChecks,
  etcdChecks,
  runtimeChecks,
  nodeChecks,
  hostChecks,
  hostNodeChecks,
  stackChecks,
  listenChecks,
]

/** Every cross-field problem in the sections that passed the schema. */
export const crossCheck = (config: CheckedSections): ReadonlyArray<ConfigIssue> =>
  CHECKS.flatMap((check) => check(config))
