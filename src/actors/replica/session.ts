/**
 * A session is one lease's worth of membership. It renews the lease by hand three times
 * per TTL, publishes this node's LPI on it, campaigns with a value unique to the session,
 * and runs the lease timers (pause, then end). It ends when the role reaches `ended`: the timer fired,
 * etcd said the lease is gone, an append was fenced, or the replica stops. Ending
 * refuses the replies that cannot be answered any more and revokes the lease (on a
 * crash drill it only stops renewing, as a dead process would). Then a new session starts.
 * Every lease grant and keep-alive also tells the host's "replica.etcd" readiness check
 * whether etcd answered.
 */
import { Deferred, Effect, Queue } from "effect"
import { grantLease, releaseLease, renewLease, revokeLease } from "../../adapters/etcd.ts"
import { sessionRetryDelayMs } from "../../runtime/schedules.ts"
import { campaignLoop } from "./campaign-loop.ts"
import { labelsOf, notLeader, type ReplicaCore, type Session, updateRole } from "./core.ts"
import { replicaEvents } from "./events.ts"
import { newIncarnation } from "./leader-value.ts"
import { type EndReason, followerRole } from "./leadership.ts"
import { putLpi } from "./log-store.ts"
import { renewEveryMs } from "./settings.ts"

/** How often the step-down timer looks at the clock. */
export const stepDownTickMs = 25

/** How often a changed LPI is published. */
export const lpiEveryMs = 100

/** How long a resigning replica waits for etcd to confirm the revoke. */
export const revokeTimeoutMs = 1_000

/** Sends a keep-alive every `renewEveryMs`, each one on its own fiber so a stalled one does not delay the next. */
const keepAlive = <S>(core: ReplicaCore<S>, session: Session) => {
  const every = renewEveryMs(core.settings)
  const once = Effect.gen(function* () {
    const sentAt = Date.now()
    const r = yield* Effect.result(renewLease(core.etcd, session.lease, every))
    if (r._tag === "Success") {
      session.renewedFrom = Math.max(session.renewedFrom, sentAt)
      core.etcdContact.pass()
    } else if (r.failure._tag === "EtcdLeaseExpired") {
      // "The lease is gone" is an answer: etcd is reachable, only this session is over.
      core.etcdContact.pass()
      updateRole(core, { _tag: "lease-expired" })
    } else {
      core.etcdContact.fail(`etcd did not answer a lease keep-alive: ${r.failure.message}`)
    }
  })
  return Effect.forever(Effect.andThen(Effect.sleep(every), Effect.forkChild(once)))
}

/** The lease timers: a leader whose lease went `stepDownAfterMs` unrenewed pauses, and the session ends at twice the TTL (leadership.ts, `leaseTimersOf`). */
const stepDownTimer = <S>(core: ReplicaCore<S>, session: Session) =>
  Effect.forever(
    Effect.andThen(Effect.sleep(stepDownTickMs), Effect.sync(() => updateRole(core, { _tag: "tick", now: Date.now(), renewedFrom: session.renewedFrom }))),
  )

/** Publishes `LPI/<node>` on the session lease whenever it changed. */
const publishLpi = <S>(core: ReplicaCore<S>, session: Session) =>
  Effect.suspend(() => {
    let written = -1
    const once = Effect.gen(function* () {
      const lpi = core.applied.index
      if (lpi === written) return
      const r = yield* Effect.result(putLpi(core.etcd, core.keys, core.settings.node, lpi, session.lease))
      if (r._tag === "Success") written = lpi
      else if (r.failure._tag === "EtcdLeaseExpired") updateRole(core, { _tag: "lease-expired" })
    })
    return Effect.forever(Effect.andThen(once, Effect.sleep(lpiEveryMs)))
  })

/** Ends a session: refuse what cannot be answered, then give the lease back (or, on a crash drill, just drop it). */
const closeSession = <S>(core: ReplicaCore<S>, session: Session) =>
  Effect.gen(function* () {
    updateRole(core, { _tag: "stop" })
    if (core.session === session) core.session = undefined
    const refused = notLeader(core, core.settings.node, "stepped-down")
    const queued = yield* Queue.clear(core.pending)
    core.waiters.reject(queued.map((q) => q.id), refused)
    core.waiters.rejectUncommitted(refused)
    if (core.crashed) yield* releaseLease(session.lease)
    else yield* Effect.ignore(Effect.timeout(revokeLease(core.etcd, session.lease, revokeTimeoutMs), revokeTimeoutMs))
  })

/** One session, from lease grant to its end; returns why it ended. */
const runSession = <S>(core: ReplicaCore<S>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const grantSentAt = Date.now()
      const lease = yield* grantLease(core.etcd, core.settings.leaseTtlS).pipe(
        Effect.tapError((e) => Effect.sync(() => core.etcdContact.fail(`etcd did not grant a lease: ${e.message}`))),
      )
      core.etcdContact.pass()
      const ended = yield* Deferred.make<EndReason>()
      const session: Session = {
        lease,
        value: { node: core.settings.node, incarnation: newIncarnation(), location: core.settings.location },
        renewedFrom: grantSentAt,
        ended,
      }
      yield* Effect.addFinalizer(() => closeSession(core, session))
      core.session = session
      core.role = followerRole
      core.log.info(replicaEvents.sessionStarted, { ...labelsOf(core), lease: lease.id, incarnation: session.value.incarnation })
      yield* Effect.forkScoped(keepAlive(core, session))
      yield* Effect.forkScoped(stepDownTimer(core, session))
      yield* Effect.forkScoped(publishLpi(core, session))
      yield* Effect.forkScoped(campaignLoop(core, session))
      return yield* Deferred.await(ended)
    }),
  )

/** Sessions, one after another, until the replica stops. */
export const runSessions = <S>(core: ReplicaCore<S>): Effect.Effect<never> =>
  Effect.suspend(() => {
    let failures = 0
    return Effect.forever(
      Effect.gen(function* () {
        const r = yield* Effect.result(runSession(core))
        failures = r._tag === "Success" ? 0 : failures + 1
        core.log.info(replicaEvents.sessionEnded, { ...labelsOf(core), reason: r._tag === "Success" ? r.success : `no lease: ${r.failure.message}` })
        yield* Effect.sleep(sessionRetryDelayMs(failures))
      }),
    )
  })
