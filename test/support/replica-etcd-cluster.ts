/**
 * A private 3-member etcd cluster for the replica failure scenarios, so SIGSTOP and
 * compaction never touch the shared stack. Members run the stack's etcd 3.6 (`GATEWAY_ETCD_BIN`, built by scripts/install go) on free loopback
 * ports with data dirs under a temp folder; only the pids started here are ever
 * signalled, and `destroy()` kills them and removes the folder.
 */
import { spawn, type Subprocess } from "bun"
import { mkdtempSync, openSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { etcdCall, etcdMemberStatusAt, etcdRange, moveEtcdLeader } from "../../src/adapters/etcd.ts"
import { freePorts } from "./free-ports.ts"
import { withEtcd } from "./replica-harness.ts"

/** One member this test started. */
export interface Member {
  readonly name: string
  readonly clientPort: number
  readonly url: string
  readonly proc: Subprocess
}

/** The private cluster. */
export interface PrivateEtcd {
  readonly members: readonly Member[]
  readonly endpoints: readonly string[]
  readonly dir: string
  /** SIGSTOP / SIGCONT / SIGKILL of one of our own members, by pid. */
  readonly signal: (member: Member, sig: "SIGSTOP" | "SIGCONT" | "SIGKILL") => void
  readonly destroy: () => Promise<void>
}

/** Starts 3 members and waits until the cluster answers reads (up to `timeoutMs`); tries new ports if a member dies at start. */
export const startPrivateEtcd = async (timeoutMs = 60_000): Promise<PrivateEtcd> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(timeoutMs)
    } catch (e) {
      if (attempt >= 3) throw e
    }
  }
}

const startOnce = async (timeoutMs: number): Promise<PrivateEtcd> => {
  const dir = mkdtempSync(join(tmpdir(), "replica-etcd-"))
  const ports = await freePorts(6)
  const names = ["p1", "p2", "p3"]
  const peer = (i: number) => `http://127.0.0.1:${ports[2 * i + 1]}`
  const cluster = names.map((n, i) => `${n}=${peer(i)}`).join(",")
  // One token for all three: members with different tokens form different clusters.
  const token = `replica-test-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
  const members: Member[] = names.map((name, i) => {
    const clientPort = ports[2 * i] ?? 0
    const url = `http://127.0.0.1:${clientPort}`
    const proc = spawn(
      [
        process.env.GATEWAY_ETCD_BIN ?? "etcd", "--name", name, "--data-dir", join(dir, name),
        "--listen-client-urls", url, "--advertise-client-urls", url,
        "--listen-peer-urls", peer(i), "--initial-advertise-peer-urls", peer(i),
        "--initial-cluster", cluster, "--initial-cluster-state", "new", "--initial-cluster-token", token,
        "--heartbeat-interval", "100", "--election-timeout", "1000", "--log-level", "error",
      ],
      { stdout: "ignore", stderr: openSync(join(dir, `${name}.log`), "w") },
    )
    return { name, clientPort, url, proc }
  })
  const endpoints = members.map((m) => m.url)
  const destroy = async () => {
    for (const m of members) {
      if (m.proc.exitCode === null) {
        try {
          process.kill(m.proc.pid, "SIGCONT")
        } catch { /* already gone */ }
        m.proc.kill("SIGKILL")
      }
    }
    await Promise.all(members.map((m) => m.proc.exited))
    rmSync(dir, { recursive: true, force: true })
  }
  const until = Date.now() + timeoutMs
  for (;;) {
    const ok = await withEtcd({ endpoints, dialTimeoutMs: 1000, callTimeoutMs: 1000 }, (etcd) => etcdRange(etcd, "health", { key: "health" })).then(() => true, () => false)
    if (ok) break
    const dead = members.find((m) => m.proc.exitCode !== null)
    if (dead || Date.now() > until) {
      const log = await Bun.file(join(dir, `${(dead ?? members[0])?.name}.log`)).text().catch(() => "")
      await destroy()
      throw new Error(`private etcd cluster not healthy (${dead ? `member ${dead.name} exited ${dead.proc.exitCode}` : `not within ${timeoutMs} ms`}): ${log.slice(-500)}`)
    }
    await Bun.sleep(250)
  }
  return { members, endpoints, dir, signal: (m, sig) => process.kill(m.proc.pid, sig), destroy }
}

/**
 * Writes a scratch key and returns the revision of that write. Compacting at it breaks
 * every watch that starts at or below the last write before it: compacting at the bare
 * current revision would not, since a watch may start exactly there (the revision is
 * kept), and a group commit often puts all of a test's writes in that one revision.
 */
export const revisionPastLastWrite = (endpoints: readonly string[]): Promise<number> =>
  withEtcd({ endpoints, dialTimeoutMs: 3000 }, (etcd) =>
    Effect.map(
      etcdCall(etcd, "put", (c) => c.put("test/scratch").value(String(Date.now())).exec()),
      (r) => Number(r.header.revision),
    ),
  )

/** The member's own id and the raft leader it follows, asked of that member alone. */
export const memberStatus = (member: Member) => Effect.runPromise(etcdMemberStatusAt([member.url], 2000))

/** Which of `members` leads etcd's raft group now (the one that says it leads itself), if any. */
export const raftLeaderOf = async (members: readonly Member[]): Promise<Member | undefined> => {
  const answers = await Promise.all(members.map((m) => memberStatus(m).then((s) => ({ m, leads: s.memberId === s.leaderId }), () => ({ m, leads: false }))))
  return answers.find((a) => a.leads)?.m
}

/** Makes `target` etcd's raft leader (MoveLeader sent to the current leader; nothing when it already leads). */
export const makeRaftLeader = async (members: readonly Member[], target: Member): Promise<void> => {
  const leader = await raftLeaderOf(members)
  if (leader === undefined) throw new Error("no member says it leads etcd")
  if (leader === target) return
  const { memberId } = await memberStatus(target)
  await withEtcd({ endpoints: [leader.url], dialTimeoutMs: 2000, callTimeoutMs: 10_000 }, (etcd) => moveEtcdLeader(etcd, memberId))
}
