/**
 * The multi-host lab of one config file (lab-plan.ts), brought up, shown and torn down.
 * `up` builds the bridge and one namespace per host, starts the services each host
 * carries inside its namespace (ZooKeeper, then the Kafka brokers; etcd; the Bitcoin node
 * through `scripts/stack up bitcoin`; anvil with a fresh ServiceRegistry), then
 * `gateway --config FILE --host NAME` in every namespace whose host has roles, each in
 * its own folder, and returns: the processes run on, detached, with their pids in the
 * run folder. `down` stops them by those pids (gateways first, so they drain while Kafka
 * is there), kills whatever is still inside a namespace (`ip netns pids`), and deletes
 * the namespaces, veths and bridge; it works from the names alone, so it also cleans up
 * after an `up` that was killed. Needs root.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { BenchFailed } from "../lib/bench-definition.ts"
import { guardInterrupt } from "../lib/interrupt-guard.ts"
import { buildHost, claimBridge, destroyNetwork, inNetns, linkNames, netnsNames, netnsOfPid, pidAlive, raiseBridge } from "../lib/netns.ts"
import { logTail, makeProcessSet, type ProcessSet } from "../lib/netns-processes.ts"
import { DEV_KEYS, startAnvilWithRegistry } from "../failover/lab-chain.ts"
import { startEtcdCluster } from "../failover/lab-etcd.ts"
import { type LabPlan, type PlannedHost, servicesOf } from "./lab-plan.ts"
import { bitcoinStackEnv, bunFor, KAFKA_LOG4J, kafkaArgv, kafkaProperties, WALLET_LOOPBACK_PORT, walletRelayArgv, zooCfg, zookeeperArgv } from "./lab-services.ts"

/** What `up` needs besides the plan. */
export interface LabUpOptions {
  readonly configPath: string
  /** The checkout: scripts/stack and scripts/kafka-ready.ts are run from it. */
  readonly root: string
  /** The gateway binary every host runs. */
  readonly gateway: string
  /** Kafka's jars (scripts/install kafka). */
  readonly kafkaLib: string
  /** `[kafka.topics].replication_factor`: the brokers' default for topics they create. */
  readonly replicationFactor: number
  /** `[stack].anvil_block_time_s`: 0 is automine. */
  readonly anvilBlockTimeS: number
  readonly apiKeys: string
  readonly btcPassword: string
  readonly say: (line: string) => void
}

/** What the run folder records about a lab. */
interface LabState {
  readonly config: string
  readonly prefix: string
  readonly phase: "starting" | "up"
  readonly upPid: number
  readonly registryAddress?: string
}

const statePath = (plan: LabPlan) => join(plan.runDir, "lab.json")
const hostDir = (plan: LabPlan, h: PlannedHost) => join(plan.runDir, "hosts", h.name)
const labFailed = (reason: string) => new BenchFailed({ reason })

const readState = (plan: LabPlan): LabState | undefined => {
  try {
    return JSON.parse(readFileSync(statePath(plan), "utf8")) as LabState
  } catch {
    return undefined
  }
}

/** True while any namespace or link of the lab exists. */
export const labExists = (plan: LabPlan): boolean => {
  const names = new Set([...netnsNames(), ...linkNames()])
  return names.has(plan.network.bridge) || plan.hosts.some((h) => names.has(h.netns) || names.has(h.hostVeth))
}

/** Runs `argv` inside `netns` and answers its exit code and output (for health checks). */
export const runInNetns = (netns: string, argv: ReadonlyArray<string>, timeoutMs = 5000): { readonly code: number; readonly out: string } => {
  const r = Bun.spawnSync([...inNetns(netns, argv)], { stdout: "pipe", stderr: "pipe", timeout: timeoutMs })
  return { code: r.exitCode ?? -1, out: r.stdout.toString() }
}

/** The HTTP status `url` answers inside `netns` (curl), or 0 when nothing answers. */
const httpCodeIn = (netns: string, url: string): number =>
  Number(runInNetns(netns, ["curl", "-s", "-o", "/dev/null", "-m", "3", "-w", "%{http_code}", url]).out.trim()) || 0

const waitUntil = async (what: string, timeoutMs: number, check: () => boolean | Promise<boolean>, whyNot: () => Promise<string>): Promise<void> => {
  const until = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > until) throw labFailed(`${what} not within ${Math.round(timeoutMs / 1000)} s: ${await whyNot()}`)
    await Bun.sleep(500)
  }
}

const exited = (processes: ProcessSet, name: string): boolean => {
  const p = processes.get(name)
  return p === undefined || p.proc.exitCode !== null || p.proc.signalCode !== null
}

const tailOf = async (processes: ProcessSet, name: string): Promise<string> => {
  const p = processes.get(name)
  return p === undefined ? "" : `${name}${exited(processes, name) ? ` exited ${p.proc.exitCode}` : ""}: ${await logTail(p)}`
}

/** The ZooKeeper server's mode (leader, follower, standalone), asked with `srvr` inside its namespace. */
const zookeeperMode = (h: PlannedHost): string | undefined =>
  /Mode: (\w+)/.exec(runInNetns(h.netns, ["bash", "-c", `exec 3<>/dev/tcp/${h.address}/2181 && printf srvr >&3 && timeout 2 cat <&3`]).out)?.[1]

const tcpOpen = (h: PlannedHost, port: number): boolean => runInNetns(h.netns, ["bash", "-c", `exec 3<>/dev/tcp/${h.address}/${port}`]).code === 0

const startZookeepers = async (plan: LabPlan, processes: ProcessSet, say: (l: string) => void): Promise<void> => {
  const hosts = plan.hosts.filter((h) => h.zookeeperId !== undefined)
  for (const h of hosts) {
    const dir = join(hostDir(plan, h), "zookeeper")
    mkdirSync(join(dir, "data"), { recursive: true })
    writeFileSync(join(dir, "data", "myid"), `${h.zookeeperId}\n`)
    writeFileSync(join(dir, "zoo.cfg"), zooCfg(plan, h, join(dir, "data")))
    processes.start({ name: `${h.name}.zookeeper`, netns: h.netns, argv: zookeeperArgv(join(dir, "zoo.cfg"), join(plan.runDir, "logs")) })
  }
  for (const h of hosts) {
    const name = `${h.name}.zookeeper`
    await waitUntil(`ZooKeeper on ${h.name}`, 120_000, () => !exited(processes, name) && zookeeperMode(h) !== undefined, () => tailOf(processes, name))
  }
  if (hosts.length > 0) say(`zookeeper: ${hosts.map((h) => `${h.name} ${zookeeperMode(h)}`).join(", ")}`)
}

const startKafka = async (plan: LabPlan, processes: ProcessSet, o: LabUpOptions): Promise<void> => {
  const hosts = plan.hosts.filter((h) => h.kafka !== undefined)
  if (hosts.length === 0) return
  const log4j = join(plan.runDir, "kafka-log4j.properties")
  writeFileSync(log4j, KAFKA_LOG4J)
  for (const h of hosts) {
    const dir = join(hostDir(plan, h), "kafka")
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, "server.properties"), kafkaProperties(plan, h, join(dir, "data"), o.replicationFactor))
    processes.start({ name: `${h.name}.kafka`, netns: h.netns, argv: kafkaArgv(o.kafkaLib, join(dir, "server.properties"), log4j, join(plan.runDir, "logs", `kafka-${h.name}`)) })
  }
  // Asked from the root namespace across the bridge: every broker registered with the cluster.
  const ready = () => Bun.spawnSync([bunFor(o.root), join(o.root, "scripts", "kafka-ready.ts"), plan.kafkaBrokers.join(","), String(hosts.length)], { stdout: "ignore", stderr: "ignore" }).exitCode === 0
  await waitUntil("the Kafka brokers", 180_000, () => hosts.every((h) => !exited(processes, `${h.name}.kafka`)) && ready(), async () => (await Promise.all(hosts.map((h) => tailOf(processes, `${h.name}.kafka`)))).join("\n"))
  o.say(`kafka: ${hosts.length} brokers on ${plan.kafkaBrokers.join(", ")}`)
}

/**
 * `scripts/stack up bitcoin` inside the host's namespace, with its own run folder (its
 * pids land in `<host dir>/pids/`), then the relay that puts the wallet at the host's address.
 */
const startBitcoin = async (plan: LabPlan, processes: ProcessSet, h: PlannedHost, o: LabUpOptions): Promise<void> => {
  const dir = hostDir(plan, h)
  mkdirSync(join(dir, "logs"), { recursive: true })
  const log = join(plan.runDir, "logs", `${h.name}.bitcoin-setup.log`)
  const fd = openSync(log, "a")
  const proc = Bun.spawn([...inNetns(h.netns, ["bash", join(o.root, "scripts", "stack"), "up", "bitcoin"])], {
    stdin: "ignore",
    stdout: fd,
    stderr: fd,
    env: { ...process.env, ...bitcoinStackEnv(dir, o.btcPassword) },
    cwd: o.root,
  })
  const timer = setTimeout(() => proc.kill("SIGKILL"), 300_000)
  await proc.exited
  clearTimeout(timer)
  const timedOut = proc.signalCode === "SIGKILL"
  closeSync(fd)
  if (timedOut || proc.exitCode !== 0) {
    const text = await Bun.file(log).text().catch(() => "")
    throw labFailed(`the Bitcoin node on ${h.name} did not come up (scripts/stack up bitcoin ${timedOut ? "took over 300 s" : `exited ${proc.exitCode}`}): ${text.slice(-1200)}`)
  }
  const relay = `${h.name}.rpc-relay`
  processes.start({ name: relay, netns: h.netns, argv: walletRelayArgv(o.root, h) })
  await waitUntil(`the wallet relay on ${h.name}`, 20_000, () => !exited(processes, relay) && tcpOpen(h, h.bitcoinWalletPort ?? 0), () => tailOf(processes, relay))
  o.say(`bitcoin: btcd and btcwallet on ${h.name}, the wallet at http://${h.address}:${h.bitcoinWalletPort}`)
}

/** The environment every gateway of the lab gets: the loopback stack's GATEWAY_* are left out, so nothing points back at it. */
const gatewayEnv = (o: LabUpOptions, registryAddress: string | undefined): Record<string, string | undefined> => {
  // Unset (undefined) rather than left out: the process set adds its own environment under these.
  const unset = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith("GATEWAY_") && k !== "GATEWAY_ETCD_BIN").map((k) => [k, undefined]))
  return {
    ...unset,
    GATEWAY_API_KEYS: o.apiKeys,
    GATEWAY_BTC_PASSWORD: o.btcPassword,
    GATEWAY_ETH_KEYS: DEV_KEYS.claimant,
    GATEWAY_REGISTRY_KEY: DEV_KEYS.manager,
    ...(registryAddress === undefined ? {} : { GATEWAY_REGISTRY_ADDRESS: registryAddress }),
  }
}

const startGateways = async (plan: LabPlan, processes: ProcessSet, o: LabUpOptions, registryAddress: string | undefined): Promise<void> => {
  const withRoles = plan.hosts.filter((h) => h.roles.length > 0)
  // Consumers and replicas first, so the group has formed before a producer takes a request.
  const waves = [withRoles.filter((h) => !h.roles.includes("producer")), withRoles.filter((h) => h.roles.includes("producer"))]
  const env = gatewayEnv(o, registryAddress)
  for (const wave of waves) {
    for (const h of wave) {
      const dir = hostDir(plan, h)
      mkdirSync(dir, { recursive: true })
      processes.start({ name: `${h.name}.gateway`, netns: h.netns, argv: [o.gateway, "--config", resolve(o.configPath), "--host", h.name], env, cwd: dir })
    }
    for (const h of wave) {
      const name = `${h.name}.gateway`
      const log = processes.get(name)?.log ?? ""
      const ready = () => !exited(processes, name) && readFileSync(log, "utf8").includes('"gateway.ready"') && (h.readyzUrl === undefined || httpCodeIn(h.netns, h.readyzUrl) === 200)
      await waitUntil(`the gateway on ${h.name}`, 180_000, ready, () => tailOf(processes, name))
    }
    if (wave.length > 0) o.say(`gateways ready: ${wave.map((h) => `${h.name} (${h.roles.join(", ")})`).join("; ")}`)
  }
}

/** Writes the env file a shell sources to talk to the lab (API key, registry address). */
const writeLabEnv = (plan: LabPlan, o: LabUpOptions, registryAddress: string | undefined): void => {
  const producers = plan.hosts.filter((h) => h.roles.includes("producer") && h.readyzUrl !== undefined).map((h) => h.readyzUrl?.replace(/\/readyz$/, ""))
  const lines = [
    `export GATEWAY_API_KEYS='${o.apiKeys}'`,
    `export GATEWAY_BTC_PASSWORD='${o.btcPassword}'`,
    ...(registryAddress === undefined ? [] : [`export GATEWAY_REGISTRY_ADDRESS='${registryAddress}'`]),
    `export GATEWAY_LAB_INTAKES='${producers.join(",")}'`,
    "",
  ]
  writeFileSync(join(plan.runDir, "lab.env"), lines.join("\n"))
}

/** Brings the lab up; on any failure everything started is torn down again before the error is rethrown. */
export const labUp = async (plan: LabPlan, o: LabUpOptions): Promise<void> => {
  if (process.getuid?.() !== 0) throw labFailed("the lab creates network namespaces: run it as root")
  if (!existsSync(o.gateway)) throw labFailed(`${o.gateway} does not exist; build it first (bun scripts/build.ts)`)
  const before = readState(plan)
  if (labExists(plan)) {
    if (before !== undefined && before.phase === "starting" && pidAlive(before.upPid) && before.upPid !== process.pid) throw labFailed(`an 'up' of this lab is still running (pid ${before.upPid})`)
    if (before !== undefined && before.phase === "up") throw labFailed(`the lab of ${plan.name} is up already (${plan.prefix}*); run 'scripts/lab down ${o.configPath}' first`)
    if (before === undefined || before.prefix !== plan.prefix) throw labFailed(`${plan.network.bridge} exists but ${plan.runDir} does not record it: another config's lab holds ${plan.prefix}*; take that one down first`)
    o.say(`reaping the remains of an earlier up (${plan.prefix}*)`)
    await labDown(plan, o.say)
  }
  rmSync(plan.runDir, { recursive: true, force: true })
  mkdirSync(join(plan.runDir, "logs"), { recursive: true })
  const state: LabState = { config: resolve(o.configPath), prefix: plan.prefix, phase: "starting", upPid: process.pid }
  writeFileSync(statePath(plan), JSON.stringify(state))
  if (!claimBridge(plan.network.bridge)) throw labFailed(`could not create the bridge ${plan.network.bridge} (it exists, or this is not root)`)
  const release = guardInterrupt(() => destroyNetwork(plan.network))
  const processes = makeProcessSet(plan.runDir, { detached: true })
  try {
    raiseBridge(plan.network, labFailed)
    for (const h of plan.hosts) buildHost(plan.network, h, labFailed)
    o.say(`network: ${plan.hosts.length} namespaces on ${plan.network.bridge} (${plan.network.bridgeAddress}/24), run folder ${plan.runDir}`)
    const etcdHosts = plan.hosts.filter((h) => h.etcd)
    const etcd = etcdHosts.length === 0
      ? Promise.resolve()
      : startEtcdCluster(etcdHosts, `${plan.prefix}-${Date.now().toString(36)}`, processes, join(plan.runDir, "data"), { heartbeatMs: 100, electionMs: 1000 }).then(() =>
          o.say(`etcd: ${etcdHosts.length} members on ${etcdHosts.map((h) => h.address).join(", ")}`))
    const bitcoin = Promise.all(plan.hosts.filter((h) => h.bitcoinWalletPort !== undefined).map((h) => startBitcoin(plan, processes, h, o)))
    const kafka = startZookeepers(plan, processes, o.say).then(() => startKafka(plan, processes, o))
    let registryAddress: string | undefined
    const chains = (async () => {
      for (const h of plan.hosts) {
        for (const a of h.anvils) {
          const chain = await startAnvilWithRegistry({ host: h, port: a.port, name: `${h.name}.anvil-${a.port}` }, processes, o.anvilBlockTimeS)
          if (a.registry) registryAddress = chain.registryAddress
          o.say(`anvil on ${h.name} at ${a.url}${a.registry ? `, ServiceRegistry ${chain.registryAddress}` : ""}`)
        }
      }
    })()
    // Every start settles before a failure tears the lab down, so none starts a process after it.
    const failed = (await Promise.allSettled([etcd, bitcoin, kafka, chains])).find((r) => r.status === "rejected")
    if (failed !== undefined) throw failed.reason
    writeLabEnv(plan, o, registryAddress)
    writeFileSync(statePath(plan), JSON.stringify({ ...state, ...(registryAddress === undefined ? {} : { registryAddress }) }))
    await startGateways(plan, processes, o, registryAddress)
    writeFileSync(statePath(plan), JSON.stringify({ ...state, phase: "up", ...(registryAddress === undefined ? {} : { registryAddress }) }))
    release()
  } catch (e) {
    release()
    o.say(`up failed; taking the lab down (logs stay in ${join(plan.runDir, "logs")})`)
    await labDown(plan, o.say)
    throw e
  }
}

/** Every pid file of the lab: its own (`<run>/pids/`) and those scripts/stack kept on the Bitcoin hosts. */
const pidFiles = (plan: LabPlan): ReadonlyArray<{ readonly name: string; readonly path: string }> => {
  const dirs = [join(plan.runDir, "pids"), ...plan.hosts.map((h) => join(hostDir(plan, h), "pids"))]
  return dirs.flatMap((d) => {
    try {
      return readdirSync(d).filter((f) => f.endsWith(".pid")).map((f) => ({ name: f.replace(/\.pid$/, ""), path: join(d, f) }))
    } catch {
      return []
    }
  })
}

/** The recorded pids still alive inside one of the lab's namespaces (a reused pid elsewhere is never signalled). */
const livePids = (plan: LabPlan): ReadonlyArray<{ readonly name: string; readonly pid: number }> => {
  const ours = new Set(plan.hosts.map((h) => h.netns))
  return pidFiles(plan).flatMap(({ name, path }) => {
    const pid = Number(readFileSync(path, "utf8").trim())
    if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return []
    const netns = netnsOfPid(pid)
    return netns !== undefined && ours.has(netns) ? [{ name, pid }] : []
  })
}

const terminate = async (targets: ReadonlyArray<{ readonly name: string; readonly pid: number }>, graceMs: number, say: (l: string) => void): Promise<void> => {
  for (const t of targets) {
    try {
      process.kill(t.pid, "SIGTERM")
    } catch { /* already gone */ }
  }
  const until = Date.now() + graceMs
  while (Date.now() < until && targets.some((t) => pidAlive(t.pid))) await Bun.sleep(100)
  for (const t of targets.filter((x) => pidAlive(x.pid))) {
    say(`${t.name} did not stop in ${graceMs / 1000} s; SIGKILL ${t.pid}`)
    try {
      process.kill(t.pid, "SIGKILL")
    } catch { /* already gone */ }
  }
}

/**
 * Stops every process of the lab by its recorded pid (gateways first, with `drainMs` to
 * drain: the config's drain timeout and some), kills what is left in its namespaces, and deletes the namespaces, veths and
 * bridge; data folders go, logs stay. Safe to call twice, and on a half-built lab.
 */
export const labDown = async (plan: LabPlan, say: (line: string) => void, drainMs = 30_000): Promise<void> => {
  const live = livePids(plan)
  // Gateways drain while Kafka is there; the brokers stop together (one whose peers are gone
  // cannot finish a controlled shutdown) while ZooKeeper is still there; then the rest.
  const isGateway = (p: { readonly name: string }) => p.name.endsWith(".gateway")
  const isBroker = (p: { readonly name: string }) => p.name.endsWith(".kafka")
  const waves: ReadonlyArray<readonly [string, ReadonlyArray<{ readonly name: string; readonly pid: number }>, number]> = [
    ["gateways", live.filter(isGateway), drainMs],
    ["Kafka brokers", live.filter(isBroker), 30_000],
    ["other services", live.filter((p) => !isGateway(p) && !isBroker(p)), 20_000],
  ]
  for (const [what, wave, graceMs] of waves) {
    if (wave.length === 0) continue
    const started = Date.now()
    await terminate(wave, graceMs, say)
    say(`${wave.length} ${what} stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  }
  destroyNetwork(plan.network)
  for (const { path } of pidFiles(plan)) rmSync(path, { force: true })
  rmSync(join(plan.runDir, "data"), { recursive: true, force: true })
  for (const h of plan.hosts) {
    for (const sub of ["zookeeper", "kafka", "btcd", "gateway-data", "anvil-states"]) rmSync(join(hostDir(plan, h), sub), { recursive: true, force: true })
  }
  const state = readState(plan)
  if (state !== undefined) writeFileSync(statePath(plan), JSON.stringify({ ...state, phase: "down" }))
  say(`down: stopped ${live.length} processes by pid; ${plan.prefix}* namespaces, veths and bridge deleted${labExists(plan) ? " (SOME REMAIN: see ip netns list)" : ""}`)
}

/** One row of `status`. */
export interface StatusRow {
  readonly host: string
  readonly what: string
  readonly pid: number | undefined
  readonly alive: boolean
  /** The health check's answer, or "-" when there is none. */
  readonly check: string
}

const recordedPid = (plan: LabPlan, h: PlannedHost, name: string): number | undefined => {
  // etcd members keep the failover lab's names (bench/failover/lab-etcd.ts): `etcd-<host>`.
  const own = name === "etcd" ? `etcd-${h.name}` : `${h.name}.${name}`
  const files = [join(plan.runDir, "pids", `${own}.pid`), join(hostDir(plan, h), "pids", `${name}.pid`)]
  for (const f of files) {
    try {
      const pid = Number(readFileSync(f, "utf8").trim())
      if (Number.isInteger(pid) && pid > 0) return pid
    } catch { /* not this one */ }
  }
  return undefined
}

/** The wallet's balance asked at `url` inside the host's namespace. */
const walletBalance = (h: PlannedHost, url: string, password: string): string => {
  const body = '{"jsonrpc":"1.0","id":1,"method":"getbalance","params":[]}'
  const balance = /"result":([\d.]+)/.exec(runInNetns(h.netns, ["curl", "-s", "-m", "3", "-u", `gateway:${password}`, "-d", body, url]).out)?.[1]
  return balance === undefined ? "no answer" : `balance ${balance} BTC`
}

const checkOf = (h: PlannedHost, what: string, password: string): string => {
  if (what === "zookeeper") return zookeeperMode(h) ?? "no answer to srvr"
  if (what === "kafka") return tcpOpen(h, h.kafka?.port ?? 9092) ? `port ${h.kafka?.port} open` : "port closed"
  if (what === "etcd") return runInNetns(h.netns, ["curl", "-s", "-m", "3", `http://${h.address}:2379/health`]).out.includes('"health":"true"') ? "healthy" : "unhealthy"
  if (what === "btcwallet") return walletBalance(h, `http://127.0.0.1:${WALLET_LOOPBACK_PORT}`, password)
  if (what === "rpc-relay") return `${walletBalance(h, `http://${h.address}:${h.bitcoinWalletPort}`, password)} at ${h.address}:${h.bitcoinWalletPort}`
  if (what.startsWith("anvil-")) {
    const body = '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}'
    const out = runInNetns(h.netns, ["curl", "-s", "-m", "3", "-H", "content-type: application/json", "-d", body, `http://${h.address}:${what.slice(6)}`]).out
    const block = /"result":"(0x[0-9a-f]+)"/.exec(out)?.[1]
    return block === undefined ? "no answer" : `block ${Number(block)}`
  }
  if (what === "gateway") return h.readyzUrl === undefined ? "-" : `/readyz ${httpCodeIn(h.netns, h.readyzUrl) || "no answer"}`
  return "-"
}

/** Every host's services and gateway: recorded pid, alive or not, and a health check run inside its namespace. */
export const labStatus = (plan: LabPlan, btcPassword: string): ReadonlyArray<StatusRow> => {
  const namespaces = new Set(netnsNames())
  return plan.hosts.flatMap((h) => {
    const up = namespaces.has(h.netns)
    const whats = [...servicesOf(h), ...(h.roles.length > 0 ? ["gateway"] : [])]
    const netRow: StatusRow = { host: h.name, what: `netns ${h.netns} ${h.address} (veth ${h.hostVeth})`, pid: undefined, alive: up, check: up ? (runInNetns(h.netns, ["true"]).code === 0 ? "ok" : "cannot exec") : "absent" }
    return [
      netRow,
      ...whats.map((what): StatusRow => {
        const pid = recordedPid(plan, h, what)
        const alive = pid !== undefined && pidAlive(pid) && netnsOfPid(pid) === h.netns
        const label = what === "gateway" ? `gateway (${h.roles.join(", ")})` : what
        return { host: h.name, what: label, pid, alive, check: alive && up ? checkOf(h, what, btcPassword) : "-" }
      }),
    ]
  })
}

/** `status` as a text table. */
export const statusTable = (rows: ReadonlyArray<StatusRow>): ReadonlyArray<string> => {
  const cells = [["HOST", "WHAT", "PID", "STATE", "CHECK"], ...rows.map((r) => [r.host, r.what, r.pid === undefined ? "-" : String(r.pid), r.alive ? "alive" : "DOWN", r.check])]
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cells.map((c) => (c[i] ?? "").length)))
  return cells.map((c) => c.map((x, i) => (i < 4 ? x.padEnd(widths[i] ?? 0) : x)).join("  ").trimEnd())
}
