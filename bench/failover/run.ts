/**
 * One run of `gateway bench failover`: build the lab (namespaces, etcd, anvil with a
 * fresh registry), start a replica in every node, wait until the registry names a
 * leader, then run the clients and the attacker together, let the replicas settle,
 * read every replica's list and report. The lab is torn down whatever happens.
 */
import { existsSync, writeFileSync } from "node:fs"
import { mkdir } from "node:fs/promises"
import { dirname, join, resolve } from "node:path"
import { type FailoverClient, isNoLocation, makeFailoverClient } from "../../src/client/index.ts"
import { BenchFailed, type BenchIo } from "../lib/bench-definition.ts"
import type { OptionsOf } from "../lib/bench-flags.ts"
import { programCommand } from "../lib/gateway-under-test.ts"
import { startProgress } from "../lib/progress.ts"
import type { BenchReport } from "../lib/results.ts"
import { type AttackMode, attackSchedule } from "./attack-schedule.ts"
import { startAttacker } from "./attacker.ts"
import { checkConsistency, type ReplicaList } from "./consistency.ts"
import { failoversOf } from "./failover-times.ts"
import type { FAILOVER_FLAGS } from "./index.ts"
import { type Lab, startLab } from "./lab.ts"
import { DEV_KEYS, LAB_CHAIN_ID } from "./lab-chain.ts"
import { etcdRaftLeader } from "./lab-etcd.ts"
import type { LabHost } from "./lab-layout.ts"
import { logTail } from "../lib/netns-processes.ts"
import { resolveGaveUp, servingLeader } from "./unknown-outcomes.ts"
import { startLeaderPoller } from "./leader-poller.ts"
import { makeNumberSource, type RequestRecord, runLoad } from "./load.ts"
import { ANY_REPLICA, clientsOf, failoverReport, NO_RETRY, paperTable, WITH_RETRY } from "./report.ts"
import { MANAGER_KEY_ENV, replicaConfigToml, replicaLocation } from "./replica-config.ts"
import { timelineSvg } from "./timeline-svg.ts"

type Options = OptionsOf<typeof FAILOVER_FLAGS>

/** The command that runs a replica: --gateway, this program when compiled, dist/gateway, or bun src/main.ts. */
export const replicaProgram = (explicit: string, cwd: string): ReadonlyArray<string> => {
  if (explicit !== "") return [resolve(cwd, explicit)]
  const self = programCommand(process.execPath, Bun.main, resolve(import.meta.dir, "..", "..", "src", "main.ts"))
  if (self.length === 1) return self
  const dist = join(cwd, "dist", "gateway")
  return existsSync(dist) ? [dist] : self
}

const getJson = async (url: string, timeoutMs: number): Promise<unknown> => {
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  if (!r.ok) throw new Error(`HTTP ${r.status}`)
  return r.json()
}

/** Reads one replica's list of numbers. */
export const readReplicaList = async (node: LabHost): Promise<ReplicaList> => {
  try {
    const body = (await getJson(`${replicaLocation(node.address)}/v1/numbers`, 5000)) as { lpi?: unknown; numbers?: unknown }
    const numbers = Array.isArray(body.numbers) && body.numbers.every((n) => typeof n === "number") ? (body.numbers as number[]) : undefined
    if (numbers === undefined || typeof body.lpi !== "number") return { node: node.name, ok: false, error: "no number list in the answer" }
    return { node: node.name, ok: true, lpi: body.lpi, numbers }
  } catch (e) {
    return { node: node.name, ok: false, error: e instanceof Error ? e.message : String(e) }
  }
}

/** Reads every replica until all lists are equal (caught up) or `settleMs` passes; answers the last reads. */
const settledLists = async (nodes: ReadonlyArray<LabHost>, settleMs: number): Promise<ReadonlyArray<ReplicaList>> => {
  const until = Date.now() + settleMs
  for (;;) {
    const lists = await Promise.all(nodes.map(readReplicaList))
    const read = lists.flatMap((l) => (l.ok ? [l.numbers.join(",")] : []))
    if ((read.length === lists.length && new Set(read).size === 1) || Date.now() > until) return lists
    await Bun.sleep(1000)
  }
}

/** Starts a replica in every node and waits until the registry names a location and every replica answers. */
const startReplicas = async (lab: Lab, options: Options, serviceId: string, io: BenchIo): Promise<FailoverClient> => {
  const chain = lab.chain
  if (chain === undefined) throw new BenchFailed({ reason: "the lab has no chain" })
  const configPath = join(lab.dataDir, "failover.toml")
  writeFileSync(
    configPath,
    replicaConfigToml({
      layout: lab.net.layout,
      serviceId,
      rpcUrl: chain.rpcUrl,
      registryAddress: chain.registryAddress,
      chainId: LAB_CHAIN_ID,
      leaseTtlS: options.leaseTtl,
      stepDownAfterMs: options.stepDownAfterMs,
      leaderBeatMs: options.leaderBeatMs,
      etcdLeaderElsewhere: !options.etcdLeaderAnywhere,
      snapshotEvery: 1000,
      confirmations: 1,
      pollIntervalMs: 500,
    }),
  )
  const program = replicaProgram(options.gateway, process.cwd())
  io.err(`failover: replicas run ${program.join(" ")} --config ${configPath}`)
  const replicas = lab.net.layout.nodes.map((n) =>
    lab.processes.start({
      name: `replica-${n.name}`,
      netns: n.netns,
      argv: [...program, "--config", configPath, "--host", n.name, "--role", "replica,registry-watcher"],
      env: { [MANAGER_KEY_ENV]: DEV_KEYS.manager },
      cwd: process.cwd(),
    }),
  )
  const probe = makeFailoverClient({ rpcUrl: chain.rpcUrl, registryAddress: chain.registryAddress, serviceId, retry: false, requestTimeoutMs: options.requestTimeoutMs })
  // The first location write waits for a block (up to --block-time s) and its confirmation.
  const until = Date.now() + 120_000 + options.blockTime * 3000
  for (;;) {
    const dead = replicas.find((r) => r.proc.exitCode !== null)
    if (dead !== undefined) throw new BenchFailed({ reason: `replica ${dead.name} exited with ${dead.proc.exitCode}: ${await logTail(dead)}` })
    const location = await probe.locate()
    // The leader publishes the replica set a block after its location; the clients that hedge read it from there.
    const members = await probe.members()
    const ready = await Promise.all(lab.net.layout.nodes.map((n) => getJson(`${replicaLocation(n.address)}/v1/replica`, 2000).then(() => true, () => false)))
    if (!isNoLocation(location) && members.length === replicas.length && ready.every(Boolean)) {
      io.err(`failover: registry names ${location.location} and ${members.length} members; all ${replicas.length} replicas answer`)
      return probe
    }
    if (Date.now() > until) {
      const replica = replicas[0]
      throw new BenchFailed({ reason: `the service did not come up: ${isNoLocation(location) ? "no location in the registry" : members.length !== replicas.length ? `the registry lists ${members.length} of ${replicas.length} replicas` : "not every replica answers"}; ${replica === undefined ? "" : await logTail(replica)}` })
    }
    await Bun.sleep(1000)
  }
}

/** Runs the bench. */
export const runFailover = async (options: Options, io: BenchIo): Promise<BenchReport> => {
  const mode = options.mode as AttackMode
  const plan = attackSchedule(options.duration, options.period, options.outage)
  const clientNames = clientsOf(options.clients)
  const serviceId = "failover-bench"
  const lab = await startLab({
    nodes: options.nodes,
    etcd: { heartbeatMs: options.etcdHeartbeatMs, electionMs: options.etcdElectionMs },
    chain: { blockTimeS: options.blockTime, anvilPath: options.anvil },
    onEvent: io.err,
  })
  const clients: FailoverClient[] = []
  try {
    const chain = lab.chain
    if (chain === undefined) throw new BenchFailed({ reason: "the lab has no chain" })
    clients.push(await startReplicas(lab, options, serviceId, io))
    const t0 = Date.now()
    const clock = () => Date.now() - t0
    const poller = await startLeaderPoller(lab.etcdEndpoints, serviceId, clock, 100)
    try {
      const total = Math.round(options.rate * options.duration) * clientNames.length
      const progress = startProgress({ label: `failover ${mode} every ${options.period} s`, total, sink: io.progress })
      const attacker = startAttacker(plan, mode, {
        nodes: lab.net.layout.nodes,
        cut: lab.net.cut,
        restore: lab.net.restore,
        leaderNow: poller.readNow,
        etcdLeaderNow: () => etcdRaftLeader(lab.etcdEndpoints),
        clock,
        random: Math.random,
        onEvent: (line) => io.err(`failover: ${(clock() / 1000).toFixed(1)} s ${line}`),
      })
      const nextNumber = makeNumberSource()
      const failed = new Map<string, number>()
      const loads = clientNames.map((name) => {
        const client = makeFailoverClient({
          rpcUrl: chain.rpcUrl,
          registryAddress: chain.registryAddress,
          serviceId,
          retry: name === WITH_RETRY,
          forwardToLeader: name === ANY_REPLICA,
          requestTimeoutMs: options.requestTimeoutMs,
          deadlineMs: options.retryDeadlineMs,
          // The SDK client and the gateway's one-shot client read the replica set the leader
          // published in the registry: while the registry names a silent leader, they ask
          // another member to relay. Paper B's client uses only the location.
          ...(name === WITH_RETRY ? { claimKey: DEV_KEYS.claimant } : {}),
        })
        clients.push(client)
        return runLoad({
          client: name,
          rate: options.rate,
          durationS: options.duration,
          submit: (n, id) => client.submit(n, id),
          nextNumber,
          clock,
          onRecord: (r) => {
            if (!r.ok) failed.set(name, (failed.get(name) ?? 0) + 1)
            progress.tick()
          },
        })
      })
      const records: RequestRecord[] = (await Promise.all(loads)).flat()
      await attacker.stop()
      progress.finish()
      io.err(`failover: load done; ${clientNames.map((n) => `${n}: ${failed.get(n) ?? 0} failed`).join(", ")}; waiting for a serving leader and the replicas to settle`)
      const nodes = lab.net.layout.nodes
      const leader = await servingLeader(nodes, options.settleS * 1000)
      await settledLists(nodes, options.settleS * 1000)
      // The lists are still; ask the leader about every request a client gave up on, then read the lists the check uses.
      const resolved = await resolveGaveUp(leader, records, options.requestTimeoutMs)
      const lists = await settledLists(nodes, options.settleS * 1000)
      const tally = [...resolved.values()].reduce((t, r) => ({ ...t, [r._tag]: (t[r._tag] ?? 0) + 1 }), {} as Record<string, number>)
      io.err(`failover: ${resolved.size} gave-up requests looked up on ${leader === undefined ? "no serving leader" : `${leader.node} (epoch ${leader.epoch})`}: ${JSON.stringify(tally)}`)
      const log = poller.log()
      const outages = attacker.outages()
      const run = {
        mode,
        periodS: options.period,
        outageS: options.outage,
        durationS: options.duration,
        rate: options.rate,
        clients: clientNames,
        records,
        outages,
        leaderships: log.leaderships,
        failovers: failoversOf(log.leaderships, outages, records),
        consistency: checkConsistency(lists, records, resolved),
        resolved,
        resolvedOn: leader?.node ?? null,
        lab: { nodes: lab.net.layout.nodes.map((n) => ({ name: n.name, address: n.address })), rpcUrl: chain.rpcUrl, registry: chain.registryAddress, blockTimeS: chain.blockTimeS },
      }
      for (const line of paperTable(run)) io.out(line)
      const path = resolve(options.timelineSvg)
      await mkdir(dirname(path), { recursive: true })
      await Bun.write(path, timelineSvg({ title: `Failover, cut ${options.outage} s every ${options.period} s (${mode})`, durationMs: options.duration * 1000, clients: clientNames, records, outages, leaderships: log.leaderships }))
      io.err(`failover: timeline chart ${path}`)
      return failoverReport(run)
    } finally {
      await poller.stop()
    }
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)))
    await lab.teardown()
  }
}
