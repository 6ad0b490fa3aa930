/**
 * The live state of one running replica (one incarnation: from connecting to stopping or
 * crashing), shared by its sync loop and its sessions. JavaScript runs one fiber at a
 * time, so plain fields are enough; every role change goes through `updateRole`, which
 * applies the pure `transition`, logs it, and ends the session when the role says so.
 */
import { Deferred, Effect, Queue } from "effect"
import type { EtcdCluster, EtcdLease } from "../../adapters/etcd.ts"
import type { ReadinessCheck } from "../../host/readiness.ts"
import type { Logger } from "../../observability/log.ts"
import type { Applied } from "./apply-entries.ts"
import { emptyDedupe, firstIndexOf } from "./dedupe.ts"
import { InvalidPayload, MissingRequestId, NotLeader, type NotLeaderReason } from "./errors.ts"
import { replicaEvents, type ReplicaMetrics } from "./events.ts"
import { replicaKeys, type ReplicaKeys } from "./keys.ts"
import type { LeaderValue } from "./leader-value.ts"
import { type EndReason, type Leadership, type LeadershipMsg, type LeaseTimers, transition } from "./leadership.ts"
import type { LogEntry } from "./log-entry.ts"
import type { ReplicaSettings } from "./settings.ts"
import type { StateMachine } from "./state-machine.ts"
import { makeWaiters, type Submitted, type Waiters } from "./waiters.ts"

/** One lease's worth of membership: the lease, the value campaigned with, and when it was last renewed. */
export interface Session {
  readonly lease: EtcdLease
  readonly value: LeaderValue
  /** When the last keep-alive that etcd answered was sent (the grant counts). */
  renewedFrom: number
  /** Completed with the reason when the role reaches `ended`. */
  readonly ended: Deferred.Deferred<EndReason>
}

/** A request waiting for the leader's appender. */
export interface Submission {
  readonly id: string
  readonly payload: unknown
}

/** What wakes the sync loop. */
export type SyncSignal =
  /** `LogSize` is at least `size` (from the watch, or from this leader's own append). */
  | { readonly _tag: "size"; readonly size: number }
  /** Re-read `LogSize` (the watch re-attached and may have skipped events). */
  | { readonly _tag: "poke" }
  /** The watch is dead (compacted, canceled): re-sync from a fresh read. */
  | { readonly _tag: "broken" }

/** How a leadership ended, for status and the failover tests. */
export interface StepDown {
  readonly at: number
  readonly epoch: number
  readonly reason: EndReason
  /** Time from the last answered keep-alive's send to the step-down: below the TTL means no overlap with a successor. */
  readonly msSinceRenewal: number
}

/** What `status()` reports. */
export interface ReplicaStatus {
  readonly node: string
  readonly service: string
  /** `ended`: between sessions (stepped down or lost its lease; a new session starts shortly). */
  readonly role: Leadership["_tag"] | "stopped"
  /** The leader key's create revision while leading, paused or catching up. */
  readonly epoch: number | undefined
  /** Who leads, as far as this replica knows. */
  readonly leader: LeaderValue | undefined
  readonly lpi: number
  readonly logSize: number
  readonly lag: number
  readonly snapshotIndex: number
  readonly trimmedTo: number
  readonly resyncs: number
  readonly snapshotLoads: number
  readonly elections: number
  readonly stepDowns: number
  /** Times a leader paused for an overdue renewal (each one either resumed or ended the session). */
  readonly pauses: number
  /** Times this replica, leading, had etcd move its raft leadership to another member (`[replica].etcd_leader_elsewhere`). */
  readonly etcdLeaderMoves: number
  readonly electedAt: number | undefined
  readonly servingAt: number | undefined
  /** When the current (or last) pause began. */
  readonly pausedAt: number | undefined
  readonly lastStepDown: StepDown | undefined
}

/** The shared state of one running replica. */
export interface ReplicaCore<S> {
  readonly settings: ReplicaSettings
  readonly machine: StateMachine<S>
  readonly keys: ReplicaKeys
  readonly log: Logger
  readonly metrics: ReplicaMetrics | undefined
  readonly etcd: EtcdCluster
  /** The host's "replica.etcd" readiness check: every answered (or failed) lease call feeds it. */
  readonly etcdContact: ReadinessCheck
  readonly signals: Queue.Queue<SyncSignal>
  readonly pending: Queue.Queue<Submission>
  readonly waiters: Waiters
  applied: Applied<S>
  logSize: number
  /** Entries this replica appended as leader and has not applied yet (saves reading them back). */
  readonly known: Map<number, LogEntry>
  role: Leadership
  session: Session | undefined
  leader: LeaderValue | undefined
  snapshotIndex: number
  trimmedTo: number
  crashed: boolean
  readonly stats: { resyncs: number; snapshotLoads: number; elections: number; stepDowns: number; pauses: number; etcdLeaderMoves: number }
  electedAt: number | undefined
  /** When the current (or last) pause began. */
  pausedAt: number | undefined
  servingAt: number | undefined
  lastStepDown: StepDown | undefined
}

/** A fresh core: nothing applied, no session. */
export const makeCore = <S>(
  settings: ReplicaSettings,
  machine: StateMachine<S>,
  log: Logger,
  metrics: ReplicaMetrics | undefined,
  etcd: EtcdCluster,
  etcdContact: ReadinessCheck,
): Effect.Effect<ReplicaCore<S>> =>
  Effect.gen(function* () {
    return {
      settings,
      machine,
      keys: replicaKeys(settings.serviceId),
      log,
      metrics,
      etcd,
      etcdContact,
      signals: yield* Queue.unbounded<SyncSignal>(),
      pending: yield* Queue.unbounded<Submission>(),
      waiters: makeWaiters(),
      applied: { state: machine.initial(), index: 0, dedupe: emptyDedupe() },
      logSize: 0,
      known: new Map(),
      role: { _tag: "ended", epoch: undefined, reason: "stopping" },
      session: undefined,
      leader: undefined,
      snapshotIndex: 0,
      trimmedTo: 0,
      crashed: false,
      stats: { resyncs: 0, snapshotLoads: 0, elections: 0, stepDowns: 0, pauses: 0, etcdLeaderMoves: 0 },
      electedAt: undefined,
      pausedAt: undefined,
      servingAt: undefined,
      lastStepDown: undefined,
    }
  })

/** Labels and log fields naming this replica. */
export const labelsOf = (core: { readonly settings: ReplicaSettings }) => ({ service: core.settings.serviceId, node: core.settings.node })

/**
 * The lease timers of `settings`: pause at `stepDownAfterMs`, end at twice the lease TTL.
 * Past one TTL a successor may lead (if etcd kept its raft leader all along), but a paused
 * leader serves nothing and its appends are fenced, so waiting longer costs only the
 * requests it holds; an election inside etcd took longer than one TTL from the last
 * renewal in one cut of five in the failover lab, and etcd renews every lease when its
 * new raft leader takes over.
 */
export const leaseTimersOf = (settings: Pick<ReplicaSettings, "stepDownAfterMs" | "leaseTtlS">): LeaseTimers => ({
  pauseAfterMs: settings.stepDownAfterMs,
  endAfterMs: Math.max(settings.stepDownAfterMs, 2 * settings.leaseTtlS * 1000),
})

/** Applies one leadership message; logs, counts, and ends the session when the role reaches `ended`. */
export const updateRole = <S>(core: ReplicaCore<S>, msg: LeadershipMsg): void => {
  const before = core.role
  const after = transition(before, msg, leaseTimersOf(core.settings))
  if (after === before) return
  core.role = after
  const now = Date.now()
  const labels = labelsOf(core)
  const msSinceRenewal = now - (core.session?.renewedFrom ?? now)
  if (after._tag === "paused") {
    core.pausedAt = now
    core.stats.pauses += 1
    core.metrics?.pauses.inc(labels)
    core.log.warn(replicaEvents.paused, { ...labels, epoch: after.epoch, ms_since_renewal: msSinceRenewal, ends_after_ms: leaseTimersOf(core.settings).endAfterMs })
  } else if (after._tag === "leader" && before._tag === "paused") {
    core.log.info(replicaEvents.resumed, { ...labels, epoch: after.epoch, paused_ms: now - (core.pausedAt ?? now) })
  } else if (after._tag === "leader") {
    core.servingAt = now
    core.log.info(replicaEvents.serving, { ...labels, epoch: after.epoch, lpi: core.applied.index, ms_since_elected: now - (core.electedAt ?? now) })
  }
  if (after._tag === "ended") {
    const session = core.session
    if (after.epoch !== undefined) {
      core.stats.stepDowns += 1
      core.lastStepDown = { at: now, epoch: after.epoch, reason: after.reason, msSinceRenewal }
      core.metrics?.stepDowns.inc(labels)
      // Resigning on a clean stop is routine; any other reason is worth an operator's look.
      core.log.log(after.reason === "stopping" ? "info" : "warn", replicaEvents.steppedDown, { ...labels, epoch: after.epoch, reason: after.reason, ms_since_renewal: msSinceRenewal })
    }
    if (session) Deferred.doneUnsafe(session.ended, Effect.succeed(after.reason))
  }
  core.metrics?.leader.set(after._tag === "leader" ? 1 : 0, labels)
  core.metrics?.epoch.set(after._tag === "leader" || after._tag === "paused" || after._tag === "catching-up" ? after.epoch : 0, labels)
}

/** Raises the known `LogSize`; it never goes down. */
export const noteSize = <S>(core: ReplicaCore<S>, size: number): void => {
  if (size > core.logSize) {
    core.logSize = size
    core.metrics?.logSize.set(size, labelsOf(core))
  }
}

const notLeaderReason = (role: Leadership): NotLeaderReason =>
  role._tag === "catching-up" ? "catching-up" : role._tag === "ended" ? "stepped-down" : "follower"

/** The refusal a non-serving replica answers with. */
export const notLeader = <S>(core: ReplicaCore<S> | undefined, node: string, reason?: NotLeaderReason): NotLeader =>
  new NotLeader({ node, reason: reason ?? (core ? notLeaderReason(core.role) : "stopped"), leader: core?.leader })

/**
 * Accepts a request if this replica is the serving leader, and parks the reply until the
 * entry is applied here. A request id already applied is answered at once with the index
 * it took effect at; one already waiting shares that wait (no second append). A paused
 * leader takes requests too: they wait in its queue until it resumes (their appends are
 * fenced by etcd meanwhile) or are refused when its session ends.
 */
export const submitTo = <S>(core: ReplicaCore<S>, id: string, payload: unknown): Promise<Submitted> => {
  if (id === "") return Promise.reject(new MissingRequestId())
  if (core.role._tag !== "leader" && core.role._tag !== "paused") return Promise.reject(notLeader(core, core.settings.node))
  const invalid = core.machine.validate(payload)
  if (invalid !== undefined) return Promise.reject(new InvalidPayload({ requestId: id, reason: invalid }))
  const first = firstIndexOf(core.applied.dedupe, id)
  if (first !== undefined) return Promise.resolve({ index: first })
  if (core.waiters.has(id)) return core.waiters.add(id)
  const reply = core.waiters.add(id)
  Queue.offerUnsafe(core.pending, { id, payload })
  return reply
}

/** The status snapshot of a running core. */
export const statusOf = <S>(core: ReplicaCore<S>): ReplicaStatus => ({
  node: core.settings.node,
  service: core.settings.serviceId,
  role: core.role._tag,
  epoch: core.role._tag === "leader" || core.role._tag === "paused" || core.role._tag === "catching-up" ? core.role.epoch : undefined,
  leader: core.leader,
  lpi: core.applied.index,
  logSize: core.logSize,
  lag: Math.max(0, core.logSize - core.applied.index),
  snapshotIndex: core.snapshotIndex,
  trimmedTo: core.trimmedTo,
  ...core.stats,
  electedAt: core.electedAt,
  servingAt: core.servingAt,
  pausedAt: core.pausedAt,
  lastStepDown: core.lastStepDown,
})
