/**
 * A private 3-member etcd cluster for the replica failure scenarios, so SIGSTOP and
 * compaction never touch the shared stack. Members run Debian's `etcd` on free loopback
 * ports with data dirs under a temp folder; only the pids started here are ever
 * signalled, and `destroy()` kills them and removes the folder.
 */
import { spawn, type Subprocess } from "bun"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { etcdRange } from "../../src/adapters/etcd.ts"
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

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.once("error", reject)
    s.listen(0, "127.0.0.1", () => {
      const a = s.address()
      const port = typeof a === "object" && a !== null ? a.port : 0
      s.close(() => resolve(port))
    })
  })

/** Starts 3 members and waits until the cluster answers reads (up to `timeoutMs`). */
export const startPrivateEtcd = async (timeoutMs = 60_000): Promise<PrivateEtcd> => {
  const dir = mkdtempSync(join(tmpdir(), "replica-etcd-"))
  const ports = await Promise.all(Array.from({ length: 6 }, freePort))
  const names = ["p1", "p2", "p3"]
  const peer = (i: number) => `http://127.0.0.1:${ports[2 * i + 1]}`
  const cluster = names.map((n, i) => `${n}=${peer(i)}`).join(",")
  const members: Member[] = names.map((name, i) => {
    const clientPort = ports[2 * i] ?? 0
    const url = `http://127.0.0.1:${clientPort}`
    const proc = spawn(
      [
        "etcd", "--name", name, "--data-dir", join(dir, name),
        "--listen-client-urls", url, "--advertise-client-urls", url,
        "--listen-peer-urls", peer(i), "--initial-advertise-peer-urls", peer(i),
        "--initial-cluster", cluster, "--initial-cluster-state", "new", "--initial-cluster-token", `replica-test-${Date.now()}`,
        "--heartbeat-interval", "100", "--election-timeout", "1000", "--log-level", "error",
      ],
      { stdout: "ignore", stderr: Bun.file(join(dir, `${name}.log`)) },
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
    if (Date.now() > until) {
      await destroy()
      throw new Error(`private etcd cluster not healthy within ${timeoutMs} ms; see the member logs under ${dir}`)
    }
    await Bun.sleep(250)
  }
  return { members, endpoints, dir, signal: (m, sig) => process.kill(m.proc.pid, sig), destroy }
}

/** The current store revision of the cluster at `endpoints`. */
export const currentRevision = (endpoints: readonly string[]): Promise<number> =>
  withEtcd({ endpoints, dialTimeoutMs: 3000 }, (etcd) => Effect.map(etcdRange(etcd, "revision", { key: "revision" }), (r) => r.revision))
