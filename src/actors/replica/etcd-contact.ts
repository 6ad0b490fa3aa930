/**
 * The replica's readiness check, "replica.etcd": is this replica in contact with etcd?
 * etcd answering is what every part of the replica needs (its lease, the log, the
 * election), and the replica already talks to it every TTL/3 with a keep-alive, so the
 * keep-alives and lease grants are the evidence: an answer passes the check, a call that
 * fails or times out fails it with etcd's error, and no answer for `stepDownAfterMs`
 * (when a leader would step down on its own timer) makes it stale.
 */
import type { Readiness, ReadinessCheck, SignalOptions } from "../../host/readiness.ts"
import type { ReplicaSettings } from "./settings.ts"

/** The check's name in `/readyz`. */
export const replicaEtcdCheckName = "replica.etcd"

/** How the check judges its evidence, from the replica's settings. */
export const etcdContactOptions = (settings: Pick<ReplicaSettings, "stepDownAfterMs">): SignalOptions => ({
  initialReason: "the replica has not reached etcd yet",
  staleAfterMs: settings.stepDownAfterMs,
  staleReason: "etcd has answered no lease grant or keep-alive",
})

/** Registers (or finds) the host's replica check. */
export const etcdContactCheck = (readiness: Readiness, settings: Pick<ReplicaSettings, "stepDownAfterMs">): ReadinessCheck =>
  readiness.check(replicaEtcdCheckName, etcdContactOptions(settings))
