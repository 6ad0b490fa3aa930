/**
 * Keeps etcd's raft leader off the serving leader's host (`[replica].etcd_leader_elsewhere`).
 *
 * In paper B's layout every replica host runs an etcd member, and each replica talks only
 * to its own. When the service's leader sits on the host whose member also leads etcd's
 * raft group, one host failure takes both: etcd must elect a raft leader first (lease
 * renewals and campaigns stall meanwhile), and only then can the service elect. In the
 * failover lab those double faults took 2-3.6 s to serve again, against about 1 s for a
 * leader cut alone. So while it serves, the leader asks its member every second whether
 * it leads etcd, and if so asks etcd to hand raft leadership to another started voting
 * member that answers and follows it (etcd's MoveLeader, which the raft leader answers
 * once the transferee leads). The transferee must be reachable: while a transfer is
 * pending, etcd's raft leader drops every proposal (lease renewals too) until it completes
 * or an election timeout passes, and right after a cut the cut member is still listed.
 * The service's leadership does not change: its lease and key live in etcd, which every
 * new raft leader keeps (and renews every lease when it takes over).
 *
 * The host's own member is the replica settings' `ownEtcdEndpoint` (settings.ts
 * `ownEtcdEndpointOf`: the one endpoint on this host, by loopback or by the host's
 * address). With several endpoints the replica's client sends each call to any member, so
 * the status and the move go through a client of the own member alone, opened for the
 * leadership's span.
 */
import { Effect } from "effect"
import { type EtcdCluster, type EtcdMember, etcdMembers, etcdMemberStatus, etcdMemberStatusAt, moveEtcdLeader, scopedEtcd } from "../../adapters/etcd.ts"
import { etcdLeaderApart } from "../../runtime/schedules.ts"
import { labelsOf, type ReplicaCore } from "./core.ts"
import { replicaEvents } from "./events.ts"

/** The members etcd's leadership may go to: started voting members other than `selfId` (pure). */
export const transfereeCandidates = (members: ReadonlyArray<EtcdMember>, selfId: string): ReadonlyArray<EtcdMember> =>
  members.filter((m) => m.id !== selfId && m.started && !m.learner)

/** One of `candidates` at random (pure given `random`); undefined when there is none. */
export const pickTransferee = (candidates: ReadonlyArray<EtcdMember>, random: () => number = Math.random): EtcdMember | undefined =>
  candidates[Math.min(candidates.length - 1, Math.floor(random() * candidates.length))]

/**
 * Runs while leadership `epoch` lasts (forked in its scope): every second, while the role
 * is `leader` at this epoch, asks the member; if it leads etcd and no move was tried in the
 * last 5 s, moves etcd's leadership to another member. Failures are logged and tried again
 * after the gap; they never touch the service's leadership.
 */
export const keepEtcdLeaderApart = <S>(core: ReplicaCore<S>, epoch: number, ownEndpoint: string): Effect.Effect<never> => {
  const ownOnly = core.settings.etcd.endpoints.length === 1 && core.settings.etcd.endpoints[0] === ownEndpoint
  // A client of the own member, opened once per leadership (again after a failed dial, at the next check).
  let own: EtcdCluster | undefined = ownOnly ? core.etcd : undefined
  const ownMember = Effect.gen(function* () {
    if (own === undefined) own = yield* scopedEtcd({ ...core.settings.etcd, endpoints: [ownEndpoint] })
    return own
  })
  let lastTryAt = 0
  const serving = () => core.role._tag === "leader" && core.role.epoch === epoch
  const move = (etcd: EtcdCluster, selfId: string) =>
    Effect.gen(function* () {
      lastTryAt = Date.now()
      // Only members that answer now and follow this one: a cut member would hold the transfer (and every renewal) for an election timeout.
      const candidates = transfereeCandidates(yield* etcdMembers(etcd), selfId)
      if (candidates.length === 0) return
      const probedAt = Date.now()
      const answers = yield* Effect.forEach(candidates, (m) => Effect.result(etcdMemberStatusAt(m.clientUrls, etcdLeaderApart.probeTimeoutMs)), { concurrency: "unbounded" })
      const target = pickTransferee(candidates.filter((_, i) => { const a = answers[i]; return a?._tag === "Success" && a.success.leaderId === selfId }))
      const probeMs = Date.now() - probedAt
      if (target === undefined) {
        const detail = `none of ${candidates.length} other members answered within ${etcdLeaderApart.probeTimeoutMs} ms as a follower of this one`
        core.log.warn(replicaEvents.etcdLeaderMoveFailed, { ...labelsOf(core), epoch, operation: "choose a transferee", detail, probe_ms: probeMs, retry_after_ms: etcdLeaderApart.minGapMs })
        return
      }
      const started = Date.now()
      yield* moveEtcdLeader(etcd, target.id)
      core.stats.etcdLeaderMoves += 1
      core.metrics?.etcdLeaderMoves.inc(labelsOf(core))
      core.log.info(replicaEvents.etcdLeaderMoved, { ...labelsOf(core), epoch, from_member: selfId, to_member: target.id, to_name: target.name, probe_ms: probeMs, ms: Date.now() - started })
    }).pipe(
      Effect.catch((e) =>
        Effect.sync(() => core.log.warn(replicaEvents.etcdLeaderMoveFailed, { ...labelsOf(core), epoch, operation: e.operation, detail: e.detail, retry_after_ms: etcdLeaderApart.minGapMs })),
      ),
    )
  const tick = Effect.gen(function* () {
    if (!serving() || Date.now() - lastTryAt < etcdLeaderApart.minGapMs) return
    // A member that does not answer says nothing new: the lease renewals report etcd's trouble.
    const status = yield* Effect.result(Effect.flatMap(ownMember, (etcd) => Effect.map(etcdMemberStatus(etcd), (st) => ({ etcd, ...st }))))
    if (status._tag === "Failure" || status.success.memberId !== status.success.leaderId || !serving()) return
    yield* move(status.success.etcd, status.success.memberId)
  })
  return Effect.scoped(Effect.forever(Effect.andThen(Effect.sleep(etcdLeaderApart.checkEveryMs), tick)))
}
