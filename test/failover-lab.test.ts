/**
 * The failover bench's lab on the real kernel (root, iproute2, Debian's etcd, anvil):
 * nodes in their own network namespaces behind a bridge, an etcd member in each, anvil
 * with a fresh registry, the leader poller and the attacker cutting the current
 * leader's link and restoring it. Every namespace and the bridge must be gone afterwards,
 * also when the process that built the lab is interrupted or killed.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test"
import { Effect } from "effect"
import { etcdTxn, scopedEtcd } from "../src/adapters/etcd.ts"
import { attackSchedule } from "../bench/failover/attack-schedule.ts"
import { startAttacker } from "../bench/failover/attacker.ts"
import { etcdAnswers, etcdClientUrl } from "../bench/failover/lab-etcd.ts"
import { startLeaderPoller } from "../bench/failover/leader-poller.ts"
import { leaderChanges } from "../bench/failover/leader-log.ts"
import { type Lab, startLab } from "../bench/failover/lab.ts"
import { reapStaleLabs } from "../bench/failover/netns-lab.ts"
import { ip } from "../bench/lib/netns.ts"

setDefaultTimeout(120_000)

const SERVICE = `failover-lab-${Date.now().toString(36)}`

/** Namespaces and links of the lab with `prefix` that still exist. */
const leftovers = (prefix: string): string[] => {
  const names = [...ip(["netns", "list"]).out.split("\n"), ...ip(["-o", "link", "show"]).out.split("\n").map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? "")]
  return names.map((n) => n.split(" ")[0] ?? "").filter((n) => n === `${prefix}br` || n.startsWith(`${prefix}-`) || n.startsWith(`${prefix}h`))
}

/** Puts (or deletes, for undefined) the service's leader key, as a replica would. */
const setLeader = (endpoints: ReadonlyArray<string>, node: string | undefined) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(scopedEtcd({ endpoints, dialTimeoutMs: 3000 }), (etcd) =>
        // Delete first, so the new key gets a new create revision (a new epoch).
        Effect.flatMap(etcdTxn(etcd, "test leader", [], [{ _tag: "delete", key: `${SERVICE}/Leader` }]), () =>
          node === undefined
            ? Effect.void
            : etcdTxn(etcd, "test leader", [], [{ _tag: "put", key: `${SERVICE}/Leader`, value: JSON.stringify({ node, incarnation: "x", location: "http://x" }) }])),
      ),
    ),
  )

describe("failover lab", () => {
  let lab: Lab | undefined
  afterAll(async () => {
    await lab?.teardown()
  })

  test("builds namespaces with etcd and anvil, cuts the leader's node and heals it, and leaves nothing behind", async () => {
    const events: string[] = []
    lab = await startLab({ nodes: 3, etcd: { heartbeatMs: 100, electionMs: 1000 }, chain: { blockTimeS: 0 }, onEvent: (l) => events.push(l) })
    const { layout } = lab.net
    const prefix = layout.prefix
    expect(leftovers(prefix).sort()).toEqual([`${prefix}br`, `${prefix}-chain`, `${prefix}-n1`, `${prefix}-n2`, `${prefix}-n3`, `${prefix}h0`, `${prefix}h1`, `${prefix}h2`, `${prefix}h3`].sort())
    // Every member answers from the root namespace across the bridge; anvil holds the registry's code.
    for (const n of layout.nodes) expect(await etcdAnswers([etcdClientUrl(n)], 2000)).toBe(true)
    const code = await fetch(lab.chain?.rpcUrl ?? "", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getCode", params: [lab.chain?.registryAddress, "latest"] }),
    }).then((r) => r.json() as Promise<{ result: string }>)
    expect(code.result.length).toBeGreaterThan(100)

    const t0 = Date.now()
    const clock = () => Date.now() - t0
    await setLeader(lab.etcdEndpoints, "n3")
    const poller = await startLeaderPoller(lab.etcdEndpoints, SERVICE, clock, 100)
    expect(await poller.readNow()).toBe("n3")

    // Two 6-second cuts of the leader's node, 1 s apart: the first from 1 s to 7 s. A cut
    // that long leaves room for an election on a loaded machine (CI runs Kafka beside it).
    const n3 = layout.nodes[2]
    if (n3 === undefined) throw new Error("no n3")
    const seen: Array<{ cutAnswers: boolean; othersAnswer: boolean }> = []
    const net = lab.net
    const attacker = startAttacker(attackSchedule(14, 7, 6), "leader", {
      nodes: layout.nodes,
      cut: (h) => {
        net.cut(h)
      },
      restore: (h) => net.restore(h),
      leaderNow: poller.readNow,
      clock,
      random: Math.random,
    })
    // Probe during the first cut (1-7 s): n3's member is unreachable, and the other two
    // still make a quorum. If n3's member was etcd's raft leader they first elect another
    // (an election timeout or two, with pre-vote), and a read meanwhile fails at once with
    // "no leader"; so they are asked again until the cut is nearly over.
    while (clock() < 1500) await Bun.sleep(50)
    const cutAnswers = await etcdAnswers([etcdClientUrl(n3)], 800)
    let othersAnswer = false
    while (!othersAnswer && clock() < 6000) {
      othersAnswer = (await etcdAnswers(layout.nodes.slice(0, 2).map(etcdClientUrl), 800)) && clock() < 7000
      if (!othersAnswer) await Bun.sleep(100)
    }
    console.log(`[failover-lab] n3 cut at 1000 ms; the other two members answered at ${clock()} ms: ${othersAnswer}`)
    seen.push({ cutAnswers, othersAnswer })
    await attacker.done
    const outages = attacker.outages()
    expect(outages.map((o) => o.node)).toEqual(["n3", "n3"])
    expect(outages.map((o) => ({ leaderAtCut: o.leaderAtCut, atLeast5900ms: o.endMs !== undefined && o.endMs - o.startMs >= 5900 }))).toEqual([
      { leaderAtCut: "n3", atLeast5900ms: true },
      { leaderAtCut: "n3", atLeast5900ms: true },
    ])
    expect(seen).toEqual([{ cutAnswers: false, othersAnswer: true }])
    expect(net.isCut(n3)).toBe(false)
    // Restored: n3's member answers again (it catches up with the cluster first).
    let healed = false
    for (let i = 0; i < 40 && !healed; i++) healed = await etcdAnswers([etcdClientUrl(n3)], 1000)
    expect(healed).toBe(true)

    // The poller follows the leader key: a new epoch is a change.
    await setLeader(lab.etcdEndpoints, "n1")
    for (let waited = 0; poller.log().last?.node !== "n1" && waited < 5000; waited += 100) await Bun.sleep(100)
    expect(poller.log().leaderships.map((l) => l.node)).toEqual(["n3", "n1"])
    expect(leaderChanges(poller.log())).toBe(1)
    await poller.stop()

    const pids = lab.processes.all().map((p) => p.pid)
    await lab.teardown()
    expect(leftovers(prefix)).toEqual([])
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow()
  })

  test("an interrupted bench deletes its lab; a killed one is reaped by the next", async () => {
    const script = [
      `import { startLab } from "${import.meta.dir}/../bench/failover/lab.ts"`,
      `const lab = await startLab({ nodes: 1, etcd: { heartbeatMs: 100, electionMs: 1000 } })`,
      `console.log(lab.net.layout.prefix)`,
      `await new Promise(() => {})`,
    ].join("\n")
    for (const signal of ["SIGINT", "SIGKILL"] as const) {
      const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "inherit" })
      const reader = child.stdout.getReader()
      const first = await reader.read()
      const prefix = new TextDecoder().decode(first.value).trim()
      expect(prefix).toMatch(/^gwfo\d+$/)
      expect(leftovers(prefix).length).toBeGreaterThan(0)
      child.kill(signal)
      await child.exited
      if (signal === "SIGKILL") {
        expect(leftovers(prefix).length).toBeGreaterThan(0)
        reapStaleLabs(1)
      }
      expect(leftovers(prefix)).toEqual([])
    }
  })
})
