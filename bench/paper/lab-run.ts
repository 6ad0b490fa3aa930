/**
 * `gateway bench paper --lab`: paper A's workload against the multi-host lab of
 * `--config` (bench/lab/), brought up here as `scripts/lab up` would and always taken
 * down again. Gateway pass: 5 producers × 10 workers × 20 sendfrom POSTs to the producer
 * hosts' intakes across the bridge, each request under its own Idempotency-Key and
 * retried with it until acknowledged, while one host (broker-2) is cut off the bridge
 * for a while; then a wait until every acknowledged request is final (the results
 * topic, read from the lab's brokers) and the wallet's own list. Direct pass: the same
 * 50 workers straight to the lab's wallet. The counting proxy stands in front of the
 * wallet for both: the gateways run a copy of the config whose Bitcoin node is the proxy,
 * listening in the root namespace and reached at the bridge's address.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { homedir, tmpdir } from "node:os"
import { join } from "node:path"
import { BenchFailed, type BenchIo } from "../lib/bench-definition.ts"
import type { OptionsOf } from "../lib/bench-flags.ts"
import { guardInterrupt } from "../lib/interrupt-guard.ts"
import { defaultKafkaLib } from "../lib/kafka-producer-perf.ts"
import { destroyNetwork, inNetns } from "../lib/netns.ts"
import type { BenchReport } from "../lib/results.ts"
import { labDown, labExists, labUp } from "../lab/host-lab.ts"
import { LAB_ROOT, type LabPlan, labPlan } from "../lab/lab-plan.ts"
import { firstApiKey } from "../intake/intake-client.ts"
import { loadBaseConfig } from "../intake/run.ts"
import { startCountingProxy } from "./counting-proxy.ts"
import { chooseCut } from "./host-cut.ts"
import type { PAPER_FLAGS } from "./index.ts"
import { labGatewayPass } from "./lab-gateway-pass.ts"
import { labIntakes, labWallet, writeLabLayout } from "./lab-layout.ts"
import { directPass, reportPasses } from "./run.ts"

type Options = OptionsOf<typeof PAPER_FLAGS>

/** The defaults `scripts/lab` (bench/lab/main.ts) uses, so a lab brought up here is the same lab. */
const DEFAULT_BTC_PASSWORD = "gateway-dev-password"
const DEFAULT_API_KEYS = "local-dev-key"

const reasonOf = (error: unknown): string => (error instanceof BenchFailed ? error.reason : error instanceof Error ? error.message : String(error))

/**
 * The etcd 3.6 that `scripts/install go` builds, where scripts/lib.sh points
 * GATEWAY_ETCD_BIN (the version from scripts/versions.sh of the checkout at `root`).
 */
export const defaultEtcdBin = (root: string, env: Readonly<Record<string, string | undefined>>): string => {
  const version = /^ETCD_VERSION=(\S+)$/m.exec(readFileSync(join(root, "scripts", "versions.sh"), "utf8"))?.[1] ?? "unknown"
  const cache = env.GATEWAY_CACHE_DIR ?? join(env.HOME ?? homedir(), ".cache", "gateway")
  return join(cache, "go-bin", `etcd-${version}`, "etcd")
}

/**
 * Asks the counting proxy from inside a consumer host's namespace, without credentials:
 * any answer but none or the proxy's own 502 (the wallet's 401, typically) means the
 * consumers reach the wallet through it. Answers the host asked from and the HTTP code
 * (0 for none), or undefined when the layout has no consumer host. The curl runs apart
 * (not `runInNetns`, which waits synchronously): the proxy answering it is this process.
 */
const proxyCodeFrom = async (plan: LabPlan, url: string): Promise<{ readonly host: string; readonly code: number } | undefined> => {
  const consumer = plan.hosts.find((h) => h.roles.includes("consumer"))
  if (consumer === undefined) return undefined
  const child = Bun.spawn([...inNetns(consumer.netns, ["curl", "-s", "-o", "/dev/null", "-m", "5", "-w", "%{http_code}", "-X", "POST", "-d", "{}", url])], { stdout: "pipe", stderr: "ignore" })
  const out = (await new Response(child.stdout).text()).trim()
  await child.exited
  return { host: consumer.name, code: Number(out) || 0 }
}

/** Checks what the lab needs before minutes of bring-up: root, the checkout, the jars and etcd. */
const preflight = (io: BenchIo, root: string): { readonly kafkaLib: string; readonly etcdBin: string; readonly gateway: string } => {
  if (process.getuid?.() !== 0) {
    throw new BenchFailed({ reason: "--lab builds a network namespace per host and cuts a host's link, which needs root: run 'sudo -E dist/gateway bench paper --lab', or leave out --lab to run on the local stack" })
  }
  if (!existsSync(join(root, "scripts", "stack"))) throw new BenchFailed({ reason: `${root} is not the repository folder; the lab runs scripts/stack from it: cd there and run again` })
  const kafkaLib = io.env.KAFKA_LIB ?? defaultKafkaLib(io.env)
  if (!existsSync(kafkaLib)) throw new BenchFailed({ reason: `no Kafka jars in ${kafkaLib}; run 'scripts/install apt kafka zookeeper go' (or set KAFKA_LIB)` })
  const etcdBin = io.env.GATEWAY_ETCD_BIN ?? defaultEtcdBin(root, io.env)
  if (!existsSync(etcdBin)) throw new BenchFailed({ reason: `etcd is not built at ${etcdBin}; run 'scripts/install go' (or set GATEWAY_ETCD_BIN)` })
  const gateway = join(root, "dist", "gateway")
  if (!existsSync(gateway)) throw new BenchFailed({ reason: `${gateway} does not exist; build it first (bun scripts/build.ts): every lab host runs it` })
  return { kafkaLib, etcdBin, gateway }
}

/** Brings the lab up, runs the chosen passes and builds the report; the lab goes down whatever happens. */
export const runPaperLab = async (options: Options, io: BenchIo): Promise<BenchReport> => {
  const say = (line: string) => io.err(`paper lab: ${line}`)
  const root = process.cwd()
  const { kafkaLib, etcdBin, gateway: gatewayBinary } = preflight(io, root)
  const config = await loadBaseConfig(options.config)
  const plan = labPlan(config, options.config, io.env.GATEWAY_LAB_ROOT ?? LAB_ROOT)
  const cutTarget = chooseCut(plan, options.cutHost, options.config)
  const intakes = labIntakes(plan)
  if (intakes.length !== options.producers) {
    throw new BenchFailed({ reason: `${options.config} lays out ${intakes.length} producer hosts, but --producers is ${options.producers}; give the number of producer hosts the layout has` })
  }
  if (!options.passes.includes("gateway") && !options.passes.includes("direct")) throw new BenchFailed({ reason: "no pass chosen; give --passes gateway,direct" })
  // Only a lab this run brings up is taken down: one that is there already may be somebody's.
  if (labExists(plan)) throw new BenchFailed({ reason: `the lab of ${options.config} (${plan.prefix}*) exists already; take it down with 'scripts/lab down ${options.config}' and run again` })
  // bench/failover/lab-etcd.ts reads the etcd binary from the process environment, as scripts/lib.sh exports it.
  process.env.GATEWAY_ETCD_BIN = etcdBin
  // scripts/stack (the Bitcoin host's services) runs bun scripts; a compiled gateway run by sudo may have none on PATH.
  process.env.PATH = `${join(root, "node_modules", ".bin")}:${process.env.PATH ?? ""}`
  const btcPassword = io.env.GATEWAY_BTC_PASSWORD ?? DEFAULT_BTC_PASSWORD
  const apiKeys = io.env.GATEWAY_API_KEYS ?? DEFAULT_API_KEYS
  const apiKey = firstApiKey(apiKeys)
  if (apiKey === undefined) throw new BenchFailed({ reason: "GATEWAY_API_KEYS holds no key; set it to a comma-separated list, or unset it for the lab's default" })
  const wallet = labWallet(config, btcPassword, options.config)
  const maxInFlight = config.nodes.find((n) => n.chain === "bitcoin")?.max_in_flight ?? 1
  const logs = join(plan.runDir, "logs")

  // Listening on every address: the bridge's only exists once the lab is up, and the gateways are given the URL before.
  const proxy = startCountingProxy(wallet.url, { timeoutMs: wallet.timeoutMs * 3, listen: "0.0.0.0", keyParamsOf: ["sendrawtransaction"] })
  const proxyOnBridge = `http://${plan.network.bridgeAddress}:${proxy.port}`
  const workDir = mkdtempSync(join(tmpdir(), "gateway-bench-paper-lab-"))
  let release: () => void = () => undefined
  try {
    const gatewayConfig = await writeLabLayout(options.config, wallet.name, proxyOnBridge, workDir)
    say(`the gateways run ${gatewayConfig}: ${options.config} with ${wallet.name} at the counting proxy ${proxyOnBridge}, in front of the wallet at ${wallet.url}`)
    const upStarted = Date.now()
    await labUp(plan, {
      configPath: gatewayConfig,
      root,
      gateway: gatewayBinary,
      kafkaLib,
      replicationFactor: config.kafka.topics.replication_factor,
      anvilBlockTimeS: config.stack.anvil_block_time_s,
      apiKeys,
      btcPassword,
      say,
    })
    const upMs = Date.now() - upStarted
    // An interrupted bench must not leave the lab (or a host cut off) behind.
    release = guardInterrupt(() => destroyNetwork(plan.network))
    say(`up in ${Math.round(upMs / 1000)} s; intakes ${intakes.map((i) => `${i.host} ${i.url}`).join(", ")}`)
    const reach = await proxyCodeFrom(plan, proxyOnBridge)
    if (reach !== undefined && (reach.code === 0 || reach.code === 502)) {
      throw new BenchFailed({ reason: `${reach.host} cannot reach the wallet through the counting proxy at ${proxyOnBridge} (${reach.code === 0 ? "no answer: is a firewall dropping traffic from the bridge into the root namespace?" : "the proxy cannot reach the wallet"})` })
    }
    const gateway = options.passes.includes("gateway")
      ? await labGatewayPass(options, io, { config, wallet, proxy, intakes, apiKey, cutTarget, readyMs: upMs })
      : undefined
    // The lab's gateways stay up (idle) through the direct pass; their chain readers' polls pass the proxy too,
    // so its all-calls peak and error count include them. The payment-call peak and the wallet check do not.
    const direct = options.passes.includes("direct") ? await directPass(options, io, wallet, proxy) : undefined
    const total = options.producers * options.workers * options.requests
    return await reportPasses(options, io, { ...(gateway === undefined ? {} : { gateway }), ...(direct === undefined ? {} : { direct }), total, maxInFlight })
  } catch (error) {
    throw new BenchFailed({ reason: `${reasonOf(error)} (the lab's logs are kept in ${logs})` })
  } finally {
    try {
      // A gateway's drain may take its whole drain timeout, and its supervisor's stop a little more (as scripts/lab down allows).
      await labDown(plan, say, config.runtime.drain_timeout_ms + 15_000)
    } catch (error) {
      say(`taking the lab down failed (${reasonOf(error)}); run 'scripts/lab down ${options.config}'`)
    }
    release()
    await proxy.stop().catch(() => undefined)
    rmSync(workDir, { recursive: true, force: true })
  }
}
