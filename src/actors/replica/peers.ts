/**
 * Every live replica of a service as etcd sees it: each `LPI/<node>` key (bound to its
 * node's lease, so a dead node drops out), the lag behind `LogSize`, and which one holds
 * the leader key. What `GET /v1/replicas` and the dashboard show.
 */
import { Effect } from "effect"
import type { EtcdCluster } from "../../adapters/etcd.ts"
import type { EtcdUnavailable } from "../../adapters/errors.ts"
import type { ReplicaKeys } from "./keys.ts"
import { readLeader, readLogSize, readLpis } from "./log-store.ts"

/** One replica's progress. */
export interface ReplicaPeer {
  readonly node: string
  /** Latest processed index: the last log entry it applied. */
  readonly lpi: number
  /** `LogSize - lpi`, never below 0. */
  readonly lag: number
  /** It holds the leader key. */
  readonly leader: boolean
}

/** The rows for `lpis`, sorted by node; the leader is listed even before it has published an LPI. */
export const peerRows = (lpis: ReadonlyMap<string, number>, logSize: number, leaderNode: string | undefined): ReplicaPeer[] => {
  const all = new Map(lpis)
  if (leaderNode !== undefined && !all.has(leaderNode)) all.set(leaderNode, 0)
  return [...all]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([node, lpi]) => ({ node, lpi, lag: Math.max(0, logSize - lpi), leader: node === leaderNode }))
}

/** Reads the LPIs, `LogSize` and the leader key (three reads; rows may straddle an append). */
export const readPeers = (etcd: EtcdCluster, keys: ReplicaKeys): Effect.Effect<ReplicaPeer[], EtcdUnavailable> =>
  Effect.gen(function* () {
    const [lpis, size, leader] = yield* Effect.all([readLpis(etcd, keys), readLogSize(etcd, keys), readLeader(etcd, keys)], { concurrency: "unbounded" })
    return peerRows(lpis, size.size, leader?.leader?.node)
  })
