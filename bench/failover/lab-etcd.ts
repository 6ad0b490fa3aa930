/**
 * One etcd member per lab node (etcd 3.6, `GATEWAY_ETCD_BIN`, built by scripts/install go), each inside the node's namespace,
 * listening on the node's address and on the namespace's own loopback (so the node's
 * replica can always reach its own member, cut or not). Peer traffic crosses the bridge,
 * so cutting a node's link partitions its member from the others, as in paper B.
 * Pre-vote is on, so a member that comes back does not depose the leader.
 */
import { Effect } from "effect"
import { etcdRange, scopedEtcd } from "../../src/adapters/etcd.ts"
import { BenchFailed } from "../lib/bench-definition.ts"
import type { LabHost, LabLayout } from "./lab-layout.ts"
import { type LabProcess, logTail, type ProcessSet } from "../lib/netns-processes.ts"

/** etcd's client and peer ports inside every namespace (each namespace has its own ports). */
export const ETCD_CLIENT_PORT = 2379
export const ETCD_PEER_PORT = 2380

/** Raft timing: a short heartbeat and election timeout, so a cut leader is replaced within about a second. */
export interface EtcdTiming {
  readonly heartbeatMs: number
  readonly electionMs: number
}

/** The client URL of a node's member, as reached across the bridge. */
export const etcdClientUrl = (h: LabHost): string => `http://${h.address}:${ETCD_CLIENT_PORT}`

/** Every member's client URL, as the bench (in the root namespace) reaches them. */
export const etcdEndpoints = (layout: LabLayout): ReadonlyArray<string> => layout.nodes.map(etcdClientUrl)

/** The command line of `node`'s member of the cluster of `members` (pure; the data dir and the cluster token are given). */
export const etcdMemberArgv = (members: ReadonlyArray<LabHost>, node: LabHost, dataDir: string, token: string, timing: EtcdTiming): ReadonlyArray<string> => {
  const peer = (h: LabHost) => `http://${h.address}:${ETCD_PEER_PORT}`
  return [
    process.env.GATEWAY_ETCD_BIN ?? "etcd",
    "--name", node.name,
    "--data-dir", dataDir,
    "--listen-client-urls", `${etcdClientUrl(node)},http://127.0.0.1:${ETCD_CLIENT_PORT}`,
    "--advertise-client-urls", etcdClientUrl(node),
    "--listen-peer-urls", peer(node),
    "--initial-advertise-peer-urls", peer(node),
    "--initial-cluster", members.map((h) => `${h.name}=${peer(h)}`).join(","),
    "--initial-cluster-state", "new",
    "--initial-cluster-token", token,
    "--heartbeat-interval", String(timing.heartbeatMs),
    "--election-timeout", String(timing.electionMs),
    // A member cut off keeps campaigning with ever higher terms; without pre-vote its
    // return would depose the healthy leader and stall the cluster (and every lease
    // renewal) once more, right after the outage.
    "--pre-vote=true",
    "--log-level", "warn",
  ]
}

/** Starts every node's member and waits until the cluster answers a read through each of them. */
export const startLabEtcd = (
  layout: LabLayout,
  processes: ProcessSet,
  dataRoot: string,
  timing: EtcdTiming,
  timeoutMs = 60_000,
): Promise<ReadonlyArray<LabProcess>> => startEtcdCluster(layout.nodes, `${layout.prefix}-${Date.now().toString(36)}`, processes, dataRoot, timing, timeoutMs)

/**
 * Starts one member in each of `members` (process `etcd-<host>`, data in `<dataRoot>/etcd-<host>`)
 * and waits until the cluster answers a read through each of them.
 */
export const startEtcdCluster = async (
  members: ReadonlyArray<LabHost>,
  token: string,
  processes: ProcessSet,
  dataRoot: string,
  timing: EtcdTiming,
  timeoutMs = 60_000,
): Promise<ReadonlyArray<LabProcess>> => {
  const started = members.map((node) =>
    processes.start({ name: `etcd-${node.name}`, netns: node.netns, argv: etcdMemberArgv(members, node, `${dataRoot}/etcd-${node.name}`, token, timing) }),
  )
  const until = Date.now() + timeoutMs
  for (const [i, node] of members.entries()) {
    for (;;) {
      if (await etcdAnswers([etcdClientUrl(node)], 1000)) break
      const member = started[i]
      const dead = started.find((m) => m.proc.exitCode !== null)
      if (dead !== undefined || Date.now() > until) {
        const culprit = dead ?? member
        const tail = culprit === undefined ? "" : await logTail(culprit)
        throw new BenchFailed({
          reason: `etcd in the lab did not become healthy (${dead === undefined ? `${node.name} not within ${timeoutMs} ms` : `${dead.name} exited ${dead.proc.exitCode}`}); is etcd built (scripts/install go, then GATEWAY_ETCD_BIN)? ${tail}`,
        })
      }
      await Bun.sleep(250)
    }
  }
  return started
}

/** True when a linearizable read through `endpoints` succeeds within `timeoutMs`. */
export const etcdAnswers = (endpoints: ReadonlyArray<string>, timeoutMs: number): Promise<boolean> =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(scopedEtcd({ endpoints, dialTimeoutMs: timeoutMs, callTimeoutMs: timeoutMs }), (etcd) => etcdRange(etcd, "lab health", { key: "lab/health" }))),
  ).then(
    () => true,
    () => false,
  )

/** POSTs `body` to one of etcd's JSON gateway routes; null when the member does not answer in time. */
const etcdJson = async (endpoint: string, route: string, timeoutMs: number): Promise<Record<string, unknown> | null> => {
  try {
    const response = await fetch(`${endpoint}${route}`, { method: "POST", body: "{}", signal: AbortSignal.timeout(timeoutMs) })
    return response.ok ? ((await response.json()) as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/**
 * The name of the member that leads etcd's raft group, as the first member that answers
 * says (`/v3/maintenance/status` gives the leader's id, `/v3/cluster/member/list` its
 * name); undefined when none answers or it knows no leader.
 */
export const etcdRaftLeader = async (endpoints: ReadonlyArray<string>, timeoutMs = 500): Promise<string | undefined> => {
  for (const endpoint of endpoints) {
    const status = await etcdJson(endpoint, "/v3/maintenance/status", timeoutMs)
    const leader = status?.leader
    if (typeof leader !== "string" || leader === "0") continue
    const list = await etcdJson(endpoint, "/v3/cluster/member/list", timeoutMs)
    const members = Array.isArray(list?.members) ? (list.members as ReadonlyArray<{ ID?: unknown; name?: unknown }>) : []
    const name = members.find((m) => String(m.ID) === leader)?.name
    if (typeof name === "string") return name
  }
  return undefined
}
