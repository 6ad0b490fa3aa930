/**
 * One replica as a supervised child plus an in-process handle. The handle outlives
 * restarts: each run of the child (an incarnation) connects a fresh etcd client, starts
 * from nothing applied and rebuilds its state from the snapshot and the log, and
 * attaches itself to the handle until it stops.
 */
import { Deferred, Effect } from "effect"
import { abandonEtcd, scopedEtcd } from "../../adapters/etcd.ts"
import { failCheckOnStop } from "../../host/check-on-stop.ts"
import { type ReadinessCheck, standaloneCheck } from "../../host/readiness.ts"
import type { Logger } from "../../observability/log.ts"
import type { MetricsRegistry } from "../../observability/metrics.ts"
import type { ChildSpec } from "../../runtime/child-spec.ts"
import { type Dedupe, emptyDedupe, firstIndexOf } from "./dedupe.ts"
import { labelsOf, makeCore, notLeader, type ReplicaCore, type ReplicaStatus, statusOf, submitTo } from "./core.ts"
import { ReplicaCrashed } from "./errors.ts"
import { etcdContactOptions, replicaEtcdCheckName } from "./etcd-contact.ts"
import { type ReplicaPeer, readPeers } from "./peers.ts"
import { replicaEvents, replicaMetrics } from "./events.ts"
import { runSessions } from "./session.ts"
import type { ReplicaSettings } from "./settings.ts"
import type { StateMachine } from "./state-machine.ts"
import { syncLoop } from "./sync-loop.ts"
import type { Submitted } from "./waiters.ts"

/** The in-process API of one replica. */
export interface ReplicaHandle<S> {
  readonly node: string
  /**
   * Submits a request. Only the serving leader accepts; the promise resolves once the
   * entry is applied here, with the index the request took effect at (for a retried id,
   * the first one). It rejects with `NotLeader` (carrying the leader, if known),
   * `InvalidPayload` or `MissingRequestId`; `isRetriableSubmitError` says which to retry.
   */
  readonly submit: (requestId: string, payload: unknown) => Promise<Submitted>
  /** The state machine's state as applied here (the last incarnation's while stopped). */
  readonly state: () => S
  readonly status: () => ReplicaStatus
  /**
   * The index `requestId` was first applied at here, while this replica's dedupe window
   * (the last 4,096 requests applied, part of the replicated state) still holds it;
   * undefined if it was not applied here (yet), or left the window. Reads only.
   */
  readonly lookup: (requestId: string) => number | undefined
  /**
   * Every live replica of the service, from etcd (LPI keys, LogSize, the leader key).
   * Rejects with `NotLeader` (reason "stopped") while this replica is not running, or
   * with `EtcdUnavailable` when etcd does not answer.
   */
  readonly replicas: () => Promise<ReplicaPeer[]>
  /**
   * Failure drill: dies the way a killed process does. The etcd client is closed at once,
   * so keep-alives stop without resigning (the leader key lives until its lease expires),
   * and the child fails with `ReplicaCrashed`. Does nothing while not running.
   */
  readonly crash: () => void
}

/** A replica: its child spec for the supervisor, its handle, and its "replica.etcd" readiness check. */
export interface Replica<S> {
  readonly handle: ReplicaHandle<S>
  readonly spec: ChildSpec
  readonly etcdContact: ReadinessCheck
}

/** How long stopping may take: end the session (revoke the lease) and close the client. */
export const replicaShutdownMs = 5_000

/** Builds a replica of `machine` with `settings`; `etcdContact` is the host's check (a check of its own when not given). */
export const makeReplica = <S>(
  settings: ReplicaSettings,
  machine: StateMachine<S>,
  log: Logger,
  metrics?: MetricsRegistry,
  etcdContact: ReadinessCheck = standaloneCheck(replicaEtcdCheckName, etcdContactOptions(settings)),
): Replica<S> => {
  const logger = log.forActor("replica")
  const m = metrics ? replicaMetrics(metrics) : undefined
  let current: ReplicaCore<S> | undefined
  let lastState: S = machine.initial()
  let lastDedupe: Dedupe = emptyDedupe()
  let lastStatus: ReplicaStatus | undefined
  let crash: () => void = () => undefined

  const init = Effect.gen(function* () {
    yield* failCheckOnStop(etcdContact, "the replica")
    const etcd = yield* scopedEtcd(settings.etcd)
    etcdContact.pass()
    const core = yield* makeCore(settings, machine, logger, m, etcd, etcdContact)
    const crashed = yield* Deferred.make<void>()
    current = core
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        lastState = core.applied.state
        lastDedupe = core.applied.dedupe
        lastStatus = { ...statusOf(core), role: "stopped", epoch: undefined }
        if (current === core) current = undefined
        core.waiters.rejectAll(notLeader(core, settings.node, "stopped"))
        crash = () => undefined
      }))
    crash = () => {
      if (core.crashed) return
      core.crashed = true
      logger.warn(replicaEvents.crashed, { ...labelsOf(core), role: core.role._tag })
      abandonEtcd(etcd)
      Deferred.doneUnsafe(crashed, Effect.void)
    }
    logger.info(replicaEvents.connected, { ...labelsOf(core), endpoints: settings.etcd.endpoints, keeps_etcd_leader_off: settings.ownEtcdEndpoint ?? null })
    return Effect.raceFirst(
      Effect.all([syncLoop(core), runSessions(core)], { concurrency: "unbounded", discard: true }),
      Effect.andThen(Deferred.await(crashed), Effect.fail(new ReplicaCrashed({ node: settings.node }))),
    )
  })

  const handle: ReplicaHandle<S> = {
    node: settings.node,
    submit: (requestId, payload) => (current ? submitTo(current, requestId, payload) : Promise.reject(notLeader(undefined, settings.node, "stopped"))),
    state: () => (current ? current.applied.state : lastState),
    status: () =>
      current
        ? statusOf(current)
        : lastStatus ?? {
          node: settings.node, service: settings.serviceId, role: "stopped", epoch: undefined, leader: undefined, lpi: 0, logSize: 0, lag: 0,
          snapshotIndex: 0, trimmedTo: 0, resyncs: 0, snapshotLoads: 0, elections: 0, stepDowns: 0, pauses: 0, etcdLeaderMoves: 0, pausedAt: undefined, electedAt: undefined, servingAt: undefined, lastStepDown: undefined,
        },
    lookup: (requestId) => firstIndexOf(current ? current.applied.dedupe : lastDedupe, requestId),
    replicas: () =>
      current ? Effect.runPromise(readPeers(current.etcd, current.keys)) : Promise.reject(notLeader(undefined, settings.node, "stopped")),
    crash: () => crash(),
  }

  return { handle, etcdContact, spec: { id: "replica", init, restart: "permanent", shutdownMs: replicaShutdownMs } }
}
