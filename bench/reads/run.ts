/**
 * The reads run, one thing on the node at a time: seed the hot addresses,
 * measure the idle node's own p99 (one client, no proxy), the reference
 * storm straight to anvil through one counting proxy, then for each pool
 * size the drain-only pass and the reads pass (see pool-pass.ts), whose
 * sampled answers are checked against anvil as they come. Proxies,
 * the head poller and temp files are released whatever happens.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { mkdir } from "node:fs/promises"
import { loadavg, tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { Effect } from "effect"
import { closeEthereumNode, ethereumCall, type EthereumNode, makeEthereumNode } from "../../src/adapters/ethereum.ts"
import { BenchFailed, type BenchIo } from "../lib/bench-definition.ts"
import type { OptionsOf } from "../lib/bench-flags.ts"
import { renderChart } from "../lib/chart-svg.ts"
import { freshKeys, fundAddresses } from "../lib/fresh-keys.ts"
import type { TomlValue } from "../lib/gateway-under-test.ts"
import { guardInterrupt } from "../lib/interrupt-guard.ts"
import type { BenchReport, JsonValue } from "../lib/results.ts"
import { round } from "../lib/stats.ts"
import { apiKeyFrom, loadBaseConfig } from "../intake/run.ts"
import { type CountingProxy, startCountingProxy } from "../paper/counting-proxy.ts"
import { type AnswerVerdict, judgeAnswers } from "./answer-check.ts"
import { startHeadPoller } from "./head-poller.ts"
import { hotAddresses, seedBalances, transfersTo } from "./hot-addresses.ts"
import type { READS_FLAGS } from "./index.ts"
import { type PoolPassResult, runPoolPass } from "./pool-pass.ts"
import { rpcRead } from "./read-client.ts"
import { runReadStorm, type StormResult } from "./read-storm.ts"
import { type PoolRun, readsReport } from "./report.ts"
import { readsTimeline } from "./timeline.ts"
import { seededRandom, zipfMix } from "./zipf.ts"

type Options = OptionsOf<typeof READS_FLAGS>

/** The `[reads]` keys the flags set; the gateway's defaults stand for the rest. */
const readsTable = (options: Options): Record<string, TomlValue> => ({
  ...(options.cacheMb > 0 ? { cache_mb: options.cacheMb } : {}),
  ...(options.gatewayHeadPollMs > 0 ? { head_poll_ms: options.gatewayHeadPollMs } : {}),
  ...(options.maxBatch > 0 ? { max_batch: options.maxBatch } : {}),
  ...(options.hedge ? { hedge: true } : {}),
})

const describeStorm = (s: StormResult): string =>
  `${s.ok} reads (${s.readsPerSec}/s), ${s.failed} failed${s.failures[0] === undefined ? "" : ` (most: ${s.failures[0].count}x ${s.failures[0].detail})`}, p50 ${round(s.latencyMs?.p50 ?? Number.NaN, 2)} ms, p99 ${round(s.latencyMs?.p99 ?? Number.NaN, 2)} ms`

const describePass = (p: PoolPassResult): string => {
  const storm = p.storm === null ? "" : `${describeStorm(p.storm)}; cache ${JSON.stringify(p.storm.cache)}; stale ${p.storm.stale} of ${p.storm.judged}; `
  const peaks = Object.entries(p.passProxies).map(([n, s]) => `${n} ${s.peakInFlight}/${p.caps[n]}`).join(", ")
  return `${storm}burst ${p.drain.accepted} accepted, ${p.drain.final.final} final, ${p.drain.onChain === null ? "chain not read" : `${p.drain.onChain.transfers} transfers on chain`}, ${round(p.drain.reachedRatePerSec ?? Number.NaN, 1)}/s reached the node; peak in-flight ${peaks}`
}

/** The stack's own mining, as `scripts/stack up` starts anvil: a block every `seconds`, or automine when 0. */
const stackMining = (seconds: number): ReadonlyArray<readonly [string, readonly unknown[]]> =>
  seconds === 0 ? [["evm_setIntervalMining", [0]], ["evm_setAutomine", [true]]] : [["evm_setAutomine", [false]], ["evm_setIntervalMining", [seconds]]]

/**
 * Switches the stack's anvil to a block every `seconds` for the run, and answers how to
 * set it back to the stack's own mining (`[stack].anvil_block_time_s`).
 */
const mineEvery = async (node: EthereumNode, seconds: number, stackSeconds: number): Promise<() => Promise<void>> => {
  if (seconds === 0) return async () => undefined
  const call = (method: string, params: readonly unknown[]) => Effect.runPromise(ethereumCall(node, method, params))
  await call("evm_setAutomine", [false])
  await call("evm_setIntervalMining", [seconds])
  return async () => {
    for (const [method, params] of stackMining(stackSeconds)) await call(method, params)
  }
}

/**
 * The same restore for an interrupted run (Ctrl-C), when nothing async can finish: blocking
 * JSON-RPC posts with curl, so the stack's anvil is not left mining on the bench's interval.
 */
const restoreMiningNow = (url: string, stackSeconds: number) => {
  for (const [method, params] of stackMining(stackSeconds)) {
    Bun.spawnSync(["curl", "-s", "-m", "5", "-H", "content-type: application/json", "-d", JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }), url], { stdout: "ignore", stderr: "ignore" })
  }
}

/** Runs the chosen passes and builds the report. */
export const runReads = async (options: Options, io: BenchIo): Promise<BenchReport> => {
  const config = await loadBaseConfig(options.config)
  const apiKey = apiKeyFrom(config, io.env)
  const eth = config.nodes.find((n) => n.chain === "ethereum")
  if (eth === undefined) throw new BenchFailed({ reason: `${options.config} has no Ethereum node; the reads bench reads from the stack's anvil (see config/local.toml)` })
  const wants = (pass: string) => options.passes.includes(pass)
  const chainId = config.chains.ethereum.chain_id
  const node = makeEthereumNode({ name: "reads-anvil", url: eth.url, chainId, pollingIntervalMs: 250 })
  const loadAtStart = loadavg()
  const addresses = hotAddresses(options.addresses)
  const mix = (seed: number) => zipfMix(addresses.length, options.zipfS, seededRandom(seed))
  const storm = { clients: options.clients, durationMs: options.durationS * 1000, addresses, sampleEvery: options.sampleEvery }
  const proxies: Array<CountingProxy> = []
  const workDir = mkdtempSync(join(tmpdir(), "gateway-bench-reads-"))
  const head = startHeadPoller(eth.url, options.headPollMs)
  let restoreMining: () => Promise<void> = async () => undefined
  let releaseGuard: () => void = () => undefined
  try {
    restoreMining = await mineEvery(node, options.blockTimeS, config.stack.anvil_block_time_s)
    if (options.blockTimeS > 0) releaseGuard = guardInterrupt(() => restoreMiningNow(eth.url, config.stack.anvil_block_time_s))
    if (options.blockTimeS > 0) io.err(`reads: anvil at ${eth.url} mines a block every ${options.blockTimeS} s for this run`)
    io.err(`reads: seeding ${addresses.length} hot addresses on ${eth.url} (anvil_setBalance, 1 ETH + index gwei each)`)
    await seedBalances(node, addresses)
    if ((await head.ready(5000)) === null) throw new BenchFailed({ reason: `eth_blockNumber at ${eth.url} did not answer within 5 s; is anvil up? (npm run stack -- status)` })
    for (let i = 0; i < Math.max(...options.pools); i++) proxies.push(startCountingProxy(eth.url, { timeoutMs: options.readTimeoutMs }))

    io.err(`reads: the idle node's own latency: 1 client, eth_getBalance straight to ${eth.url}, ${options.idleS} s`)
    const idle = await runReadStorm({ ...storm, clients: 1, durationMs: options.idleS * 1000, sampleEvery: 0, pick: mix(options.seed).next, read: rpcRead(eth.url, options.readTimeoutMs), headAt: head.head, label: "reads: idle node", progress: io.progress })
    io.err(`reads: idle node: ${describeStorm(idle)}`)

    let direct: { storm: StormResult; proxy: ReturnType<CountingProxy["stats"]> } | null = null
    if (wants("direct")) {
      const proxy = startCountingProxy(eth.url, { timeoutMs: options.readTimeoutMs })
      try {
        io.err(`reads: reference: ${options.clients} clients, eth_getBalance(address, "latest") straight to anvil through a counting proxy (${proxy.url}), ${options.durationS} s`)
        const result = await runReadStorm({ ...storm, sampleEvery: 0, pick: mix(options.seed).next, read: rpcRead(proxy.url, options.readTimeoutMs), headAt: head.head, label: "reads: anvil directly", progress: io.progress })
        direct = { storm: result, proxy: proxy.stats() }
        io.err(`reads: anvil directly: ${describeStorm(result)}; proxy peak in-flight ${proxy.stats().peakInFlight}`)
      } finally {
        await proxy.stop().catch(() => undefined)
      }
    }

    const pools: Array<PoolRun> = []
    for (const n of options.pools) {
      const pass = async (kind: "drain-only" | "reads"): Promise<PoolPassResult> => {
        const keys = freshKeys(options.burstSenders)
        await fundAddresses([node], keys.addresses, "reads")
        const result = await runPoolPass(
          {
            kind,
            configPath: options.config,
            workDir,
            proxies: proxies.slice(0, n),
            chainId,
            nodeCap: options.nodeCap,
            reads: readsTable(options),
            apiKey,
            keys: keys.keys,
            bodies: transfersTo(keys.addresses, addresses, mix(options.seed + 1).next, options.burst),
            batchSize: options.batchSize,
            batchClients: options.batchClients,
            burstAfterMs: options.burstAfterS * 1000,
            readyTimeoutMs: options.readyTimeoutMs,
            reachTimeoutMs: options.reachTimeoutS * 1000,
            finalTimeoutMs: options.finalTimeoutS * 1000,
            node,
            storm: { ...storm, pick: mix(options.seed).next, headAt: head.head, route: options.route === "balances" ? "balances" : "rpc", timeoutMs: options.readTimeoutMs, checkUrl: eth.url },
          },
          io,
        )
        io.err(`reads: ${n} node${n === 1 ? "" : "s"}, ${kind}: ${describePass(result)}`)
        return result
      }
      const drainOnly = wants("drain-only") ? await pass("drain-only") : null
      const reads = wants("reads") ? await pass("reads") : null
      let verdict: AnswerVerdict | null = null
      if (reads !== null && reads.storm !== null) {
        verdict = judgeAnswers(reads.checked)
        io.err(`reads: sampled answers against anvil at the block each named: ${verdict.checked} checked, ${verdict.mismatches} wrong (${verdict.mismatchesTheNodeGaveToo} of them what anvil itself said for that block at the time), anvil changed its own answer for ${verdict.nodeChangedItsAnswer}, ${verdict.unchecked} could not be checked${Object.keys(verdict.uncheckedReasons).length === 0 ? "" : ` (${JSON.stringify(verdict.uncheckedReasons)})`}`)
      }
      pools.push({ nodes: n, drainOnly, reads, verdict })
    }

    const polls = await head.stop()
    const setup: Record<string, JsonValue> = {
      anvil: eth.url,
      poolNodes: "counting proxies in front of the one stack anvil, each its own [[nodes]] entry (eth-1..N) with its own cap",
      readsTable: readsTable(options),
      blockTimeS: options.blockTimeS === 0 ? `the stack's own (${config.stack.anvil_block_time_s === 0 ? "automine" : `a block every ${config.stack.anvil_block_time_s} s`})` : options.blockTimeS,
      headPoller: { everyMs: options.headPollMs, polls: polls.polls, failed: polls.failed },
      zipfTopShare: round(mix(options.seed).share(0), 4),
      loadAverage: { start: loadAtStart.map((x) => round(x, 2)), end: loadavg().map((x) => round(x, 2)) },
    }
    const input = { idle, direct, pools, setup }
    const path = resolve(options.timelineSvg)
    await mkdir(dirname(path), { recursive: true })
    await Bun.write(path, renderChart(readsTimeline(input)))
    io.err(`reads: timeline chart: ${path}`)
    return readsReport(input)
  } finally {
    releaseGuard()
    await restoreMining().catch((e: unknown) => io.err(`reads: could not set anvil's mining back (${String(e)}); restart it with npm run stack -- down anvil && npm run stack -- up anvil`))
    await head.stop()
    await Promise.all(proxies.map((p) => p.stop().catch(() => undefined)))
    await Effect.runPromise(closeEthereumNode(node))
    rmSync(workDir, { recursive: true, force: true })
  }
}
