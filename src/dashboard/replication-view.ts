/**
 * Who leads this host's replicated service and how far behind each replica is: the
 * host's replica status (role, leader, epoch, LPI) and every replica's `LPI/<node>` from
 * etcd. A failing etcd read is reported beside the rest rather than failing the page.
 */
import type { DashboardDeps } from "./dashboard-deps.ts"
import { replicaProgressView, replicaStatusView, type ReplicaStatusView } from "./json-views.ts"

/** The replication section of a page, as JSON. */
export interface ReplicationView {
  /** The service this host replicates. */
  readonly service: string
  readonly self: ReplicaStatusView
  readonly replicas: ReadonlyArray<ReturnType<typeof replicaProgressView>>
  /** Why `replicas` is empty when etcd could not be read. */
  readonly replicas_error: string | null
}

/** The host's replication, or null on a host without a replica. */
export const replicationView = async (deps: Pick<DashboardDeps, "replica" | "replicas">): Promise<ReplicationView | null> => {
  if (deps.replica === undefined) return null
  const self = replicaStatusView(deps.replica.status())
  if (deps.replicas === undefined) return { service: self.service, self, replicas: [], replicas_error: "this host has no etcd view of the other replicas" }
  try {
    const replicas = (await deps.replicas()).map(replicaProgressView)
    return { service: self.service, self, replicas, replicas_error: null }
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause)
    return { service: self.service, self, replicas: [], replicas_error: `could not read the replicas' progress from etcd: ${detail}` }
  }
}
