/**
 * replica: this host's member of paper B's replicated service. It keeps the etcd request
 * log (`Log/<i>`, `LogSize`, `LPI/<node>`, `Snapshot/<service>`), campaigns for
 * leadership on a lease, appends with fencing on its epoch (the leader key's create
 * revision), applies entries in order to a pluggable state machine, steps down on its
 * own timer before its lease can expire, and snapshots and trims the log.
 *
 * The host tree calls `hostReplica(ctx)` once and shares the handle with the sample
 * service's HTTP front (`replicaHttp`), the registry-watcher and the dashboard.
 */
import type { HostContext } from "../../host/host-context.ts"
import { etcdContactCheck } from "./etcd-contact.ts"
import { numberList, type NumberList } from "./number-list.ts"
import { makeReplica, type Replica } from "./replica-node.ts"
import { replicaSettingsFrom } from "./settings.ts"

export { isRetriableSubmitError, InvalidPayload, MissingRequestId, NotLeader, type NotLeaderReason, ReplicaCrashed, type SubmitError } from "./errors.ts"
export { replicaEvents, replicaMetrics } from "./events.ts"
export { replicaKeys, type ReplicaKeys } from "./keys.ts"
export { decodeLeaderValue, type LeaderValue } from "./leader-value.ts"
export { replicaEtcdCheckName } from "./etcd-contact.ts"
export { type ReplicaStatus, type StepDown } from "./core.ts"
export { appendEntries, type AppendResult, readLeader, readLogSize } from "./log-store.ts"
export { makeReplica, type Replica, type ReplicaHandle } from "./replica-node.ts"
export { numberList, type NumberList } from "./number-list.ts"
export { checkRequestId } from "./http/number-request.ts"
export { peerRows, type ReplicaPeer } from "./peers.ts"
export { makeServiceApp, type ServiceMount } from "./http/service-app.ts"
export { defaultServiceLimits, type ServiceDeps, type ServiceLimits, type ServiceReplica } from "./http/service-deps.ts"
export { replicaHttp } from "./http/replica-http.ts"
export { type ReplicaSettings, replicaSettingsFrom } from "./settings.ts"
export type { StateMachine } from "./state-machine.ts"
export type { Submitted } from "./waiters.ts"

/** The host's replica of the sample service (paper B's Table 2 number list): spec and handle. */
export const hostReplica = (ctx: HostContext): Replica<NumberList> => {
  const settings = replicaSettingsFrom(ctx)
  return makeReplica(settings, numberList, ctx.log, ctx.metrics, etcdContactCheck(ctx.readiness, settings))
}
