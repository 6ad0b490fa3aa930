/**
 * The replica actor against real etcd (paper B with its corrections). Replicas run
 * in-process, each with its own etcd client, on a service id of their own so concurrent
 * runs never collide.
 *
 * - On the shared 3-member cluster: one leader; 200 concurrent submits applied once and
 *   in the same order everywhere; a leader crash (keep-alives stop, no resign) fails over
 *   to a larger epoch, whose time is printed, and the old epoch's append is fenced; a
 *   snapshot trims the log below the lowest live LPI and a returning replica starts from it.
 * - On a private 3-member cluster started here (so signals and compaction touch nothing
 *   shared): a follower whose watch revision is compacted re-syncs; SIGSTOP of the
 *   leader's etcd member makes it step down on its own timer before its TTL, another
 *   replica takes over, and after SIGCONT all three converge.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { compactEtcd, etcdRange, etcdTxn } from "../src/adapters/etcd.ts"
import { InvalidPayload, NotLeader, numberList, type NumberList, readLogSize, replicaKeys, appendEntries } from "../src/actors/replica/index.ts"
import { encodeEntry } from "../src/actors/replica/log-entry.ts"
import { makeRaftLeader, type PrivateEtcd, raftLeaderOf, revisionPastLastWrite, startPrivateEtcd } from "./support/replica-etcd-cluster.ts"
import {
  deleteService,
  replicaLogLines,
  type RunningReplica,
  servingLeader,
  startReplica,
  storedIndexes,
  submitRetrying,
  testSettings,
  uniqueServiceId,
  waitFor,
  withEtcd,
} from "./support/replica-harness.ts"
import { startTcpProxy, type TcpProxy } from "./support/replica-tcp-proxy.ts"

const sharedEndpoints = (process.env.GATEWAY_ETCD_ENDPOINTS ?? "http://127.0.0.1:2379,http://127.0.0.1:22379,http://127.0.0.1:32379").split(",")

type R = RunningReplica<NumberList>

/** Replicas and services a test started, stopped and deleted after it. */
const started: { replicas: R[]; services: { endpoints: readonly string[]; id: string }[] } = { replicas: [], services: [] }

const service = (name: string, endpoints: readonly string[]) => {
  const id = uniqueServiceId(name)
  started.services.push({ endpoints, id })
  return id
}

const start = async (...args: Parameters<typeof testSettings>): Promise<R> => {
  const r = await startReplica(testSettings(...args), numberList)
  started.replicas.push(r)
  return r
}

const cleanUp = async () => {
  await Promise.all(started.replicas.map((r) => r.stop()))
  await Promise.all(started.services.map((s) => deleteService(s.endpoints, s.id).catch(() => undefined)))
  started.replicas = []
  started.services = []
}

const awaitLeader = async (replicas: readonly R[], timeoutMs = 30_000): Promise<R> => {
  await waitFor("one serving leader", () => servingLeader(replicas) !== undefined, timeoutMs)
  const leader = servingLeader(replicas)
  if (!leader) throw new Error("leader vanished")
  return leader
}

/** Polls etcd's raft leader's name ("" while none) every 100 ms until `ok` holds or `timeoutMs` passes; returns the last one seen. */
const raftLeaderWithin = async (members: Parameters<typeof raftLeaderOf>[0], ok: (name: string) => boolean, timeoutMs: number): Promise<string> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const name = (await raftLeaderOf(members))?.name ?? ""
    if (ok(name) || Date.now() > deadline) return name
    await Bun.sleep(100)
  }
}

const converged = (replicas: readonly R[], size: number) => () => replicas.every((r) => r.handle.status().lpi === size)

const expectIdentical = (replicas: readonly R[]) => {
  const [first, ...rest] = replicas.map((r) => r.handle.state())
  for (const s of rest) expect(s).toEqual(first ?? [])
}

const submitMany = (replicas: readonly R[], prefix: string, from: number, count: number) =>
  Promise.all(Array.from({ length: count }, (_, i) => submitRetrying(replicas, `${prefix}-${from + i}`, from + i)))

describe("replica on the shared etcd cluster", () => {
  afterEach(cleanUp)

  test("one leader; 200 concurrent submits are applied once, in the same order, on all three", async () => {
    const svc = service("order", sharedEndpoints)
    const replicas = await Promise.all(["a", "b", "c"].map((n) => start(n, svc, sharedEndpoints)))
    const leader = await awaitLeader(replicas)
    const followers = replicas.filter((r) => r !== leader)
    await waitFor("followers know the leader", () => followers.every((f) => f.handle.status().leader?.node === leader.handle.node), 10_000)

    // Only the leader accepts; a follower names it; bad input is refused and not retriable.
    const refused = await followers[0]?.handle.submit("x-1", 1).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(NotLeader)
    expect((refused as NotLeader).leader?.node).toBe(leader.handle.node)
    expect(await leader.handle.submit("x-2", "seven").catch((e: unknown) => e)).toBeInstanceOf(InvalidPayload)

    const t0 = performance.now()
    const results = await submitMany(replicas, "n", 0, 200)
    const ms = performance.now() - t0
    const indexes = results.map((r) => r.index)
    expect(new Set(indexes).size).toBe(200)
    expect(Math.min(...indexes)).toBe(1)
    expect(Math.max(...indexes)).toBe(200)
    await waitFor("all three at LPI 200", converged(replicas, 200), 20_000)
    expectIdentical(replicas)
    const list = leader.handle.state()
    expect([...list].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i))
    // Each client's reply names the index its number sits at.
    results.forEach((r, i) => expect(list[r.index - 1]).toBe(i))
    console.log(`[replica] 200 concurrent submits acknowledged in ${ms.toFixed(0)} ms (epoch ${leader.handle.status().epoch})`)

    // A retried request id takes effect once and gets its first index back.
    const again = await Promise.all([5, 17, 199].map((i) => leader.handle.submit(`n-${i}`, i)))
    expect(again.map((a) => a.index)).toEqual([5, 17, 199].map((i) => results[i]?.index ?? -1))
    expect(leader.handle.status().logSize).toBe(200)
    expect(replicas.filter((r) => r.handle.status().role === "leader")).toHaveLength(1)
  }, 90_000)

  const failover = async (ttlS: number, stepDownAfterMs: number, leaderBeatMs = 0) => {
    const svc = service(`failover-${ttlS}${leaderBeatMs > 0 ? "-beat" : ""}`, sharedEndpoints)
    const replicas = await Promise.all(["a", "b", "c"].map((n) => start(n, svc, sharedEndpoints, { leaseTtlS: ttlS, stepDownAfterMs, leaderBeatMs })))
    const old = await awaitLeader(replicas)
    const oldEpoch = old.handle.status().epoch ?? 0
    const acked = await submitMany(replicas, "pre", 0, 20)
    await waitFor("followers at 20", converged(replicas, 20), 20_000)

    const others = replicas.filter((r) => r !== old)
    const crashedAt = performance.now()
    old.handle.crash()
    const served = await submitRetrying(others, "post-0", 1000, 60_000)
    const failoverMs = performance.now() - crashedAt
    const successor = servingLeader(others)
    expect(successor?.handle.node).toBe(served.node)
    const newEpoch = successor?.handle.status().epoch ?? 0
    expect(newEpoch).toBeGreaterThan(oldEpoch)
    console.log(`[replica] failover after a leader crash (TTL ${ttlS} s, step-down ${stepDownAfterMs} ms, beat ${leaderBeatMs || "off"}): served again after ${failoverMs.toFixed(0)} ms; epoch ${oldEpoch} -> ${newEpoch}`)
    expect(failoverMs).toBeLessThan(ttlS * 1000 + 5_000)

    // Nothing acknowledged under the old epoch is lost.
    await waitFor("survivors converge", converged(others, 21), 20_000)
    const list = successor?.handle.state() ?? []
    acked.forEach((a, i) => expect(list[a.index - 1]).toBe(i))
    expectIdentical(others)

    // The old leader's late append, at the current end of the log, is refused by the fence.
    const keys = replicaKeys(svc)
    const late = await withEtcd({ endpoints: sharedEndpoints, dialTimeoutMs: 3000 }, (etcd) =>
      Effect.gen(function* () {
        const at = yield* readLogSize(etcd, keys)
        const entry = { id: "late", epoch: oldEpoch, payload: -1 }
        const result = yield* appendEntries(etcd, keys, oldEpoch, at, [{ index: at.size + 1, entry, text: encodeEntry(entry) }])
        const after = yield* readLogSize(etcd, keys)
        const slot = yield* etcdRange(etcd, "late slot", { key: keys.entry(at.size + 1) })
        return { result, before: at.size, after: after.size, slot: slot.kvs.length }
      }))
    expect(late.result._tag).toBe("fenced")
    expect(late.after).toBe(late.before)
    expect(late.slot).toBe(0)

    // A clean stop resigns (revokes the lease): the last replica takes over at once.
    const last = others.find((r) => r !== successor)
    if (!successor || !last) throw new Error("expected two survivors")
    const stoppedAt = performance.now()
    await successor.stop()
    await submitRetrying([last], "post-1", 1001, 30_000)
    console.log(`[replica] failover after a clean stop (resign): served again after ${(performance.now() - stoppedAt).toFixed(0)} ms`)
    return failoverMs
  }

  test("leader crash with the configured timings: a larger epoch serves, the old epoch is fenced", async () => {
    await failover(5, 3500)
  }, 120_000)

  test("leader crash with a 2 s lease: failover follows the TTL", async () => {
    const ms = await failover(2, 1400)
    expect(ms).toBeLessThan(2_000 + 3_000)
  }, 120_000)

  test("with a leader beat, a silent leader is replaced long before its 5 s lease expires, and its epoch stays fenced", async () => {
    // The lease expires 3.3 to 5 s after the crash (renewed every 1.67 s); three missed
    // beats of 100 ms end the leadership after about 0.3 s, and the rest is the election.
    const ms = await failover(5, 3500, 100)
    expect(ms).toBeLessThan(3_000)
  }, 120_000)

  test("a leader whose key etcd deletes stops serving from its key watch, long before a keep-alive could tell it", async () => {
    // A 60 s lease renews every 20 s, and nothing is appended: only the watch on its own
    // key can end this leadership within the wait below. etcd does this to a live leader
    // when a paused member revokes leases it wrongly thinks expired (etcd-io/etcd#15247).
    const svc = service("deposed", sharedEndpoints)
    const replicas = await Promise.all(["a", "b", "c"].map((n) => start(n, svc, sharedEndpoints, { leaseTtlS: 60, stepDownAfterMs: 45_000 })))
    const old = await awaitLeader(replicas)
    const oldEpoch = old.handle.status().epoch ?? 0
    await submitMany(replicas, "d", 0, 5)
    await waitFor("all at 5", converged(replicas, 5), 20_000)

    const keys = replicaKeys(svc)
    await withEtcd({ endpoints: sharedEndpoints, dialTimeoutMs: 3000 }, (etcd) => etcdTxn(etcd, "delete leader key", [], [{ _tag: "delete", key: keys.leader }]))
    await waitFor("the old leader steps down", () => old.handle.status().lastStepDown?.epoch === oldEpoch, 10_000)
    expect(old.handle.status().lastStepDown?.reason).toBe("deposed")

    const served = await submitRetrying(replicas, "d-5", 5, 30_000)
    const successor = replicas.find((r) => r.handle.node === served.node)
    expect(successor?.handle.status().epoch ?? 0).toBeGreaterThan(oldEpoch)
    await waitFor("all at 6", converged(replicas, 6), 20_000)
    expectIdentical(replicas)
    expect(replicas.filter((r) => r.handle.status().role === "leader")).toHaveLength(1)
  }, 90_000)

  test("snapshot and trim: the log below the lowest live LPI goes, and a returning replica starts from the snapshot", async () => {
    const svc = service("snapshot", sharedEndpoints)
    const settings = { snapshotEvery: 50 }
    const replicas = await Promise.all(["a", "b", "c"].map((n) => start(n, svc, sharedEndpoints, settings)))
    const leader = await awaitLeader(replicas)
    await submitMany(replicas, "s", 0, 60)
    await waitFor("all at 60", converged(replicas, 60), 20_000)

    // A follower leaves; its LPI key goes with its lease, so it does not hold trimming back.
    const leaving = replicas.find((r) => r !== leader)
    if (!leaving) throw new Error("no follower")
    const leftAt = leaving.handle.status().lpi
    await leaving.stop()
    const staying = replicas.filter((r) => r !== leaving)
    for (let i = 60; i < 160; i += 10) {
      await submitMany(staying, "s", i, 10)
      await Bun.sleep(150)
    }
    await waitFor("staying replicas at 160", converged(staying, 160), 20_000)
    await waitFor("a snapshot trimmed past the departed replica", () => leader.handle.status().trimmedTo > leftAt, 20_000)
    const { snapshotIndex, trimmedTo } = leader.handle.status()
    expect(snapshotIndex).toBeGreaterThanOrEqual(150)
    expect(trimmedTo).toBeLessThanOrEqual(snapshotIndex)
    const stored = await storedIndexes(sharedEndpoints, svc)
    expect(Math.min(...stored)).toBe(trimmedTo + 1)
    expect(Math.max(...stored)).toBe(160)
    expect(stored).toHaveLength(160 - trimmedTo)
    console.log(`[replica] snapshot at ${snapshotIndex}, log trimmed to ${trimmedTo} (departed replica had LPI ${leftAt})`)

    // It comes back with nothing applied: the entries it needs are gone, so it loads the snapshot.
    const back = await start(leaving.handle.node, svc, sharedEndpoints, settings)
    await waitFor("returning replica at 160", converged([back], 160), 30_000)
    expect(back.handle.status().snapshotLoads).toBe(1)
    expectIdentical([...staying, back])
    expect([...back.handle.state()].sort((x, y) => x - y)).toEqual(Array.from({ length: 160 }, (_, i) => i))
  }, 120_000)
})

describe("replica on a private etcd cluster (failure drills)", () => {
  let cluster: PrivateEtcd | undefined
  const proxies: TcpProxy[] = []

  beforeAll(async () => {
    cluster = await startPrivateEtcd()
  }, 90_000)
  afterEach(async () => {
    await cleanUp()
    await Promise.all(proxies.splice(0).map((p) => p.close()))
  })
  afterAll(async () => {
    await cluster?.destroy()
  }, 30_000)

  const privateCluster = (): PrivateEtcd => {
    if (!cluster) throw new Error("private etcd cluster did not start")
    return cluster
  }

  test("a follower whose watch revision was compacted re-syncs from a fresh read and converges", async () => {
    const { endpoints, members } = privateCluster()
    const svc = service("compaction", endpoints)
    const a = await start("a", svc, endpoints)
    const b = await start("b", svc, endpoints)
    await awaitLeader([a, b])
    const member = members[0]
    if (!member) throw new Error("no member")
    const proxy = await startTcpProxy(member.clientPort)
    proxies.push(proxy)
    const c = await start("c", svc, [proxy.url])
    const all = [a, b, c]
    await submitMany([a, b], "k", 0, 20)
    await waitFor("all at 20", converged(all, 20), 20_000)

    // c is cut off while the log moves on and etcd compacts past c's watch revision.
    proxy.cut()
    await submitMany([a, b], "k", 20, 30)
    const revision = await revisionPastLastWrite(endpoints)
    await withEtcd({ endpoints, dialTimeoutMs: 3000 }, (etcd) => compactEtcd(etcd, revision))
    expect(c.handle.status().lpi).toBe(20)
    proxy.heal()

    await waitFor("c re-synced and at 50", () => c.handle.status().lpi === 50 && c.handle.status().resyncs >= 1, 60_000).catch((e: unknown) => {
      throw new Error(`${String(e)}; c: ${JSON.stringify(c.handle.status())}`)
    })
    await waitFor("all at 50", converged(all, 50), 20_000)
    expectIdentical(all)
    console.log(`[replica] compaction at revision ${revision}: follower re-synced ${c.handle.status().resyncs} time(s) and converged`)
  }, 120_000)

  test("etcd frozen for 4 s (every member SIGSTOPped): the leader pauses, holds what it is sent, and resumes at the same epoch with no election", async () => {
    // Renewals every 8/3 s: a 4 s freeze always passes the 3.2 s pause, and never the end at twice the 8 s TTL.
    const { members } = privateCluster()
    const svc = service("frozen-etcd", privateCluster().endpoints)
    const replicas = await Promise.all(["a", "b", "c"].map((n) => start(n, svc, privateCluster().endpoints, { leaseTtlS: 8, stepDownAfterMs: 3200 })))
    const leader = await awaitLeader(replicas)
    const epoch = leader.handle.status().epoch ?? 0
    const elections = () => replicas.reduce((n, r) => n + r.handle.status().elections, 0)
    const electionsBefore = elections()
    await submitMany(replicas, "f", 0, 10)
    await waitFor("all at 10", converged(replicas, 10), 20_000)

    const frozenAt = Date.now()
    for (const m of members) privateCluster().signal(m, "SIGSTOP")
    let held: Promise<unknown>[] = []
    try {
      await waitFor("the leader pauses", () => leader.handle.status().role === "paused", 10_000)
      // Sent to the paused leader: held in its queue, not refused.
      held = Array.from({ length: 5 }, (_, i) => leader.handle.submit(`f-${10 + i}`, 10 + i))
      await Bun.sleep(Math.max(0, 4_000 - (Date.now() - frozenAt)))
    } finally {
      for (const m of members) privateCluster().signal(m, "SIGCONT")
    }
    await waitFor("the leader serves again", () => leader.handle.status().role === "leader", 15_000).catch((e: unknown) => {
      throw new Error(`${String(e)}; ${JSON.stringify(replicas.map((r) => r.handle.status()))}`)
    })
    const answers = (await Promise.all(held)) as { index: number }[]
    expect(answers.map((a) => a.index).sort((x, y) => x - y)).toEqual([11, 12, 13, 14, 15])
    const after = leader.handle.status()
    expect(after.epoch).toBe(epoch)
    expect(after.pauses).toBe(1)
    expect(after.stepDowns).toBe(0)
    expect(elections()).toBe(electionsBefore)
    await waitFor("all at 15", converged(replicas, 15), 20_000)
    expectIdentical(replicas)
    console.log(`[replica] etcd frozen 4 s: the leader paused ${(after.pausedAt ?? 0) - frozenAt} ms into the freeze and resumed at epoch ${epoch}; 5 held requests applied once`)
  }, 120_000)

  test("[replica].etcd_leader_elsewhere: made etcd's raft leader, the serving leader's own member hands it to another member within seconds, with no election of the service; a follower's member is left leading", async () => {
    const { members } = privateCluster()
    const svc = service("etcd-apart", privateCluster().endpoints)
    // Each replica talks only to its own member, as on paper B's hosts, and knows it as its own.
    const replicas = await Promise.all(members.map((m, i) => start(["a", "b", "c"][i] ?? "x", svc, [m.url], { ownEtcdEndpoint: m.url })))
    const leader = await awaitLeader(replicas)
    const epoch = leader.handle.status().epoch ?? 0
    const own = members[replicas.indexOf(leader)]
    const follower = replicas.find((r) => r !== leader)
    const followerMember = follower === undefined ? undefined : members[replicas.indexOf(follower)]
    if (!own || !follower || !followerMember) throw new Error("no member for a replica")
    // Elected on etcd's leader's own host, it may already have moved etcd's leadership once.
    expect(await raftLeaderWithin(members, (name) => name !== own.name, 10_000)).not.toBe(own.name)

    // A follower's member leading etcd is no double fault: it stays as it is.
    await makeRaftLeader(members, followerMember)
    await Bun.sleep(3_000)
    expect((await raftLeaderOf(members))?.name).toBe(followerMember.name)
    expect(follower.handle.status().etcdLeaderMoves).toBe(0)
    // Read 3 s after that early move, if any: the count rises only once etcd's move call
    // returns, so read right after the new raft leader showed, it could miss that move
    // (CI once counted two moves below instead of one; that is the likeliest reading).
    const movesBefore = leader.handle.status().etcdLeaderMoves

    // The leader's own member made etcd's leader: the leader has etcd move it on.
    const movedAt = Date.now()
    await makeRaftLeader(members, own)
    const raftLeader = await raftLeaderWithin(members, (name) => name !== "" && name !== own.name && leader.handle.status().etcdLeaderMoves > movesBefore, 10_000)
    expect(raftLeader).not.toBe(own.name)
    expect(raftLeader).not.toBe("")
    expect(leader.handle.status().etcdLeaderMoves).toBe(movesBefore + 1)
    const after = leader.handle.status()
    expect(after.role).toBe("leader")
    expect(after.epoch).toBe(epoch)
    expect(after.stepDowns).toBe(0)
    expect(replicas.reduce((n, r) => n + r.handle.status().elections, 0)).toBe(1)
    await submitMany(replicas, "m", 0, 10)
    await waitFor("all at 10", converged(replicas, 10), 20_000)
    expectIdentical(replicas)
    console.log(`[replica] etcd's raft leader put on the service leader's member ${own.name}: moved to ${raftLeader} within ${Date.now() - movedAt} ms, epoch ${epoch} kept`)

    // Again with one follower's member frozen: etcd still lists it, but a transfer to it
    // would hold every proposal for an election timeout; the move must go to the other.
    const frozen = members.find((m) => m !== own && m !== followerMember)
    if (!frozen) throw new Error("no third member")
    await makeRaftLeader(members, followerMember)
    const movesThen = leader.handle.status().etcdLeaderMoves
    const failedLines = () => replicaLogLines.filter((l) => l.event === "replica.etcd-leader-move-failed" && l.node === leader.handle.node).length
    const failedBefore = failedLines()
    privateCluster().signal(frozen, "SIGSTOP")
    try {
      await Bun.sleep(6_000) // past the 5 s gap since the last move
      await makeRaftLeader(members.filter((m) => m !== frozen), own)
      const next = await raftLeaderWithin(members.filter((m) => m !== frozen), (name) => name !== "" && name !== own.name && leader.handle.status().etcdLeaderMoves > movesThen, 10_000)
      expect(next).toBe(followerMember.name)
      expect(leader.handle.status().etcdLeaderMoves).toBe(movesThen + 1)
      expect(failedLines()).toBe(failedBefore)
      expect(leader.handle.status().role).toBe("leader")
      expect(leader.handle.status().epoch).toBe(epoch)
    } finally {
      privateCluster().signal(frozen, "SIGCONT")
    }
    await submitMany(replicas, "m", 10, 5)
    await waitFor("all at 15", converged(replicas, 15), 20_000)
    expectIdentical(replicas)
  }, 120_000)

  test("SIGSTOP of the leader's etcd member: it stops serving on its own timer before the TTL, steps down at the TTL, another leads, all converge after SIGCONT", async () => {
    const { members } = privateCluster()
    const ttlS = 5
    const svc = service("sigstop", privateCluster().endpoints)
    const replicas = await Promise.all(members.map((m, i) => start(["a", "b", "c"][i] ?? "x", svc, [m.url], { leaseTtlS: ttlS, stepDownAfterMs: 3500 })))
    const old = await awaitLeader(replicas)
    const oldEpoch = old.handle.status().epoch ?? 0
    await submitMany(replicas, "z", 0, 20)
    await waitFor("all at 20", converged(replicas, 20), 20_000)

    const member = members[replicas.indexOf(old)]
    if (!member) throw new Error("leader has no member")
    const others = replicas.filter((r) => r !== old)
    const stoppedAt = Date.now()
    let successorEpoch = 0
    privateCluster().signal(member, "SIGSTOP")
    try {
      // First it pauses (stops serving, keeps its lease in case a renewal gets through), then steps down at the TTL.
      await waitFor("the old leader pauses", () => old.handle.status().role === "paused", 15_000)
      const pausedAt = old.handle.status().pausedAt ?? 0
      expect(pausedAt - stoppedAt).toBeLessThan(ttlS * 1000)
      await waitFor("the old leader steps down", () => old.handle.status().lastStepDown?.epoch === oldEpoch, 15_000)
      const stepDown = old.handle.status().lastStepDown
      if (!stepDown) throw new Error("no step-down recorded")
      expect(stepDown.reason).toBe("lease-not-renewed")
      expect(stepDown.msSinceRenewal).toBeGreaterThanOrEqual(ttlS * 1000)
      expect(old.handle.status().pauses).toBeGreaterThanOrEqual(1)

      const served = await submitRetrying(others, "z-20", 20, 60_000)
      const successor = others.find((r) => r.handle.node === served.node)
      const s = successor?.handle.status()
      expect(s?.epoch ?? 0).toBeGreaterThan(oldEpoch)
      // The successor was elected only after the old leader had stopped serving: it can be elected only once the old lease expired.
      expect(s?.electedAt ?? 0).toBeGreaterThan(pausedAt)
      console.log(
        `[replica] SIGSTOP of the leader's etcd member: paused ${pausedAt - stoppedAt} ms and stepped down ${stepDown.at - stoppedAt} ms after the stop ` +
          `(${stepDown.msSinceRenewal} ms after its last renewal, TTL ${ttlS * 1000} ms); successor elected ${(s?.electedAt ?? 0) - stoppedAt} ms ` +
          `after the stop, serving again at ${Date.now() - stoppedAt} ms; epoch ${oldEpoch} -> ${s?.epoch}`,
      )
      await submitMany(others, "z", 21, 19)
      successorEpoch = s?.epoch ?? 0
    } finally {
      privateCluster().signal(member, "SIGCONT")
    }
    // After SIGCONT the resumed member may, for a moment, still think it is etcd's raft
    // leader. etcd 3.4.23 (Debian's, used here before 3.6) then revoked every lease it
    // believed expired, the successor's included (etcd-io/etcd#15247, fixed in 3.4.30),
    // and a new election followed. With 3.6 the successor is expected to keep leading;
    // the line below says which happened. What must hold either way: one serving leader,
    // never again the old epoch, and the same 40 numbers everywhere.
    await waitFor("all three at 40 after SIGCONT, with one serving leader", () => converged(replicas, 40)() && servingLeader(replicas) !== undefined, 90_000).catch((e: unknown) => {
      throw new Error(`${String(e)}; ${JSON.stringify(replicas.map((r) => r.handle.status()))}`)
    })
    expectIdentical(replicas)
    const leader = servingLeader(replicas)
    expect(leader?.handle.status().epoch ?? 0).toBeGreaterThanOrEqual(successorEpoch)
    const epochAfter = leader?.handle.status().epoch ?? 0
    // Why the successor stopped, if it did: "deposed" is its key gone (a revoked lease), "lease-not-renewed" its own timer.
    const ended = replicas.map((r) => r.handle.status().lastStepDown).find((d) => d?.epoch === successorEpoch)
    console.log(`[replica] after SIGCONT: ${epochAfter === successorEpoch ? `the successor still leads at epoch ${successorEpoch} (no lease revoked)` : `a new election (epoch ${successorEpoch} -> ${epochAfter}${leader === old ? `, ${old.handle.node} leads again` : ""}; the successor stepped down: ${ended?.reason ?? "unknown"}${ended === undefined ? "" : `, ${ended.msSinceRenewal} ms after its last renewal`})`}`)
    expect([...old.handle.state()].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i))
  }, 180_000)
})
