/**
 * Leadership within one session. A replica campaigns by creating the leader key on its
 * lease (only if no one holds it); the key's create revision is its epoch. Losing, it
 * records who leads and waits for the key to be deleted (the leader resigned or its
 * lease expired), re-checking every TTL in case a watch event was missed. Winning, it
 * catches up to the `LogSize` read in the winning transaction (no one else can append
 * after it: every append is fenced on the leader key), and only then serves.
 */
import { Deferred, Effect, Queue } from "effect"
import { watchKey } from "../../adapters/etcd.ts"
import { campaignRetryDelay } from "../../runtime/schedules.ts"
import { appendLoop } from "./appender.ts"
import { labelsOf, noteSize, type ReplicaCore, type Session, updateRole } from "./core.ts"
import { replicaEvents } from "./events.ts"
import { keepEtcdLeaderApart } from "./etcd-leader-apart.ts"
import { decodeLeaderValue, encodeLeaderValue, type LeaderValue } from "./leader-value.ts"
import { type AppendPosition, campaign, deposeSilent, putBeat, readBeatRevision, readSnapshot } from "./log-store.ts"
import { silentBeats } from "./settings.ts"
import { decodeSnapshot } from "./snapshot-codec.ts"

/**
 * With a leader beat (`[etcd].leader_beat_ms`): follows the beat key and, once leadership
 * `epoch` has written no beat for `silentBeats` beats, deletes its leader key under a
 * compare on its create revision and on the beat key's last revision seen (log-store.ts
 * `deposeSilent`), so the election starts before the silent leader's lease expires.
 * Runs until the scope closes.
 */
const watchBeat = <S>(core: ReplicaCore<S>, epoch: number, fromRevision: number, beatMs: number) =>
  Effect.gen(function* () {
    let heardAt = Date.now()
    let beatRevision = 0
    let seen = false
    yield* watchKey(core.etcd, core.keys.beat, fromRevision + 1, {
      onPut: (kv) => {
        seen = true
        beatRevision = kv.modRevision
        if (kv.value === String(epoch)) heardAt = Date.now()
      },
      onDelete: () => {
        seen = true
        beatRevision = 0
      },
    })
    const read = yield* Effect.result(readBeatRevision(core.etcd, core.keys))
    if (read._tag === "Success" && !seen) beatRevision = read.success
    const silentMs = silentBeats * beatMs
    const check = Effect.gen(function* () {
      const silent = Date.now() - heardAt
      if (silent <= silentMs) return
      const deposed = yield* Effect.result(deposeSilent(core.etcd, core.keys, epoch, beatRevision))
      if (deposed._tag === "Success" && deposed.success) {
        core.log.warn(replicaEvents.deposedSilent, { ...labelsOf(core), epoch, leader: core.leader?.node ?? null, silent_ms: silent, beat_ms: beatMs })
      }
      // Whatever the answer, give the next beat (or the watch's news) a full window.
      heardAt = Date.now()
    })
    yield* Effect.forkScoped(Effect.forever(Effect.andThen(Effect.sleep(Math.max(10, Math.floor(beatMs / 2))), check)))
  })

/** Waits until the leader key is deleted (by etcd, or by `watchBeat` for a silent leader), or one TTL passes. */
const awaitVacancy = <S>(core: ReplicaCore<S>, fromRevision: number, epoch: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const vacated = yield* Deferred.make<void>()
      const open = () => void Deferred.doneUnsafe(vacated, Effect.void)
      yield* watchKey(core.etcd, core.keys.leader, fromRevision + 1, {
        onPut: (kv) => {
          core.leader = decodeLeaderValue(kv.value)
        },
        onDelete: () => {
          core.leader = undefined
          open()
        },
        onBroken: open,
      })
      const beatMs = core.settings.leaderBeatMs ?? 0
      if (beatMs > 0 && epoch > 0) yield* watchBeat(core, epoch, fromRevision, beatMs)
      yield* Effect.raceFirst(Deferred.await(vacated), Effect.sleep(core.settings.leaseTtlS * 1000))
    }),
  )

/** The leader's beat: its epoch to the beat key every `beatMs`, while it leads (errors are the step-down timer's business). */
const beatLoop = <S>(core: ReplicaCore<S>, session: Session, epoch: number, beatMs: number) => {
  // Each beat on its own fiber, as keep-alives are: one sent to an etcd member that stopped
  // answering (cut off, frozen) would otherwise hold back every later beat until its call
  // timed out, and the followers, seeing etcd serve again, would depose a live leader.
  const beat = Effect.ignore(Effect.timeout(putBeat(core.etcd, core.keys, epoch, session.lease), silentBeats * beatMs))
  return Effect.forever(Effect.andThen(Effect.forkChild(beat), Effect.sleep(beatMs)))
}

/**
 * Watches this leader's own key from just after its creation. Any change means etcd ended
 * the leadership: deleted (the lease was revoked or expired) or re-created by another
 * replica. Appends are fenced either way; the watch makes the leader stop serving at
 * once instead of at its next append or keep-alive. etcd does revoke a live lease: a
 * member resuming from a pause while it still believes it is the raft leader revokes
 * leases it thinks expired (etcd-io/etcd#15247); seen with 3.4.23 and still with 3.6.16.
 */
const watchOwnKey = <S>(core: ReplicaCore<S>, epoch: number) => {
  // Events that arrive while the watch is being cancelled (its session ended) must not
  // touch a later session's leadership: only this epoch's is ours to end.
  const ours = () => (core.role._tag === "leader" || core.role._tag === "paused" || core.role._tag === "catching-up") && core.role.epoch === epoch
  const deposed = (leader: LeaderValue | undefined, detail: string) => {
    if (!ours()) return
    core.leader = leader
    core.log.warn(replicaEvents.fenced, { ...labelsOf(core), epoch, operation: "leader-key-watch", detail })
    updateRole(core, { _tag: "deposed" })
  }
  return watchKey(core.etcd, core.keys.leader, epoch + 1, {
    onPut: (kv) => {
      if (kv.createRevision !== epoch) deposed(decodeLeaderValue(kv.value), `leader key re-created at revision ${kv.createRevision}`)
    },
    onDelete: () => deposed(undefined, "leader key deleted"),
  })
}

/** Elected with `epoch` when the log ended at `position`: catch up, then serve until the session ends. */
const lead = <S>(core: ReplicaCore<S>, session: Session, epoch: number, position: AppendPosition) =>
  Effect.scoped(Effect.gen(function* () {
    const labels = { ...labelsOf(core), epoch }
    core.stats.elections += 1
    core.electedAt = Date.now()
    core.leader = session.value
    core.log.info(replicaEvents.elected, { ...labels, incarnation: session.value.incarnation, log_size: position.size, lpi: core.applied.index })
    // From here the step-down timer covers this leadership.
    noteSize(core, position.size)
    updateRole(core, { _tag: "elected", epoch, logSize: position.size, lpi: core.applied.index })
    Queue.offerUnsafe(core.signals, { _tag: "size", size: position.size })
    yield* watchOwnKey(core, epoch)
    const beatMs = core.settings.leaderBeatMs ?? 0
    if (beatMs > 0) yield* Effect.forkScoped(beatLoop(core, session, epoch, beatMs))
    const ownEtcd = core.settings.ownEtcdEndpoint
    if (ownEtcd !== undefined) yield* Effect.forkScoped(keepEtcdLeaderApart(core, epoch, ownEtcd))
    // Where the last snapshot stands, so the first one this leader writes is not redundant.
    const snapshot = yield* Effect.result(readSnapshot(core.etcd, core.keys))
    const snap = snapshot._tag === "Success" && snapshot.success !== undefined ? decodeSnapshot(core.machine, snapshot.success) : undefined
    if (snap) {
      core.snapshotIndex = Math.max(core.snapshotIndex, snap.index)
      core.trimmedTo = Math.max(core.trimmedTo, snap.trimmedTo)
    }
    while (core.role._tag === "catching-up") yield* Effect.sleep("10 millis")
    if (core.role._tag !== "leader") return yield* Effect.never
    return yield* appendLoop(core, epoch, position)
  }))

/** Campaigns until elected, then leads; runs until the session ends. */
export const campaignLoop = <S>(core: ReplicaCore<S>, session: Session): Effect.Effect<never> =>
  Effect.forever(
    Effect.gen(function* () {
      const attempt = yield* Effect.result(campaign(core.etcd, core.keys, encodeLeaderValue(session.value), session.lease))
      if (attempt._tag === "Failure") {
        if (attempt.failure._tag === "EtcdLeaseExpired") {
          updateRole(core, { _tag: "lease-expired" })
          return yield* Effect.never
        }
        return yield* Effect.sleep(campaignRetryDelay)
      }
      const r = attempt.success
      if (r._tag === "elected") return yield* lead(core, session, r.epoch, r.position)
      core.leader = r.leader
      yield* awaitVacancy(core, r.revision, r.epoch)
    }),
  )
