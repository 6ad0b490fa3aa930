/**
 * The scale run: start the fleet, deploy Counter everywhere, put a counting
 * proxy in front of each node, then run the 1-node phase and the N-node
 * phase one after the other with fresh keys each, wait for the nodes'
 * pools to empty, and tally what every chain executed. Nodes, proxies and
 * temp files are released whatever happens.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { mkdir } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { Effect } from "effect"
import { ethereumCall, type EthereumNode } from "../../src/adapters/ethereum.ts"
import { BenchFailed, type BenchIo } from "../lib/bench-definition.ts"
import type { OptionsOf } from "../lib/bench-flags.ts"
import { renderChart } from "../lib/chart-svg.ts"
import { freshKeys, fundAddresses } from "../lib/fresh-keys.ts"
import type { BenchReport } from "../lib/results.ts"
import { apiKeyFrom, loadBaseConfig } from "../intake/run.ts"
import { type CountingProxy, startCountingProxy } from "../paper/counting-proxy.ts"
import { type AnvilFleet, findAnvil, startAnvilFleet } from "./anvil-fleet.ts"
import { benchNode, blockGasLimitFor, blockTimes, closeNode, deployCounter, executionsOn, headOf } from "./counter-chain.ts"
import type { SCALE_FLAGS } from "./index.ts"
import { poolNodeNames } from "./pool-config.ts"
import { runPoolPhase } from "./pool-phase.ts"
import { type ScalePhase, scaleReport, scaleTimeline } from "./report.ts"
import { tallyPhase } from "./tally.ts"
import { bumpBodies } from "./workload.ts"

type Options = OptionsOf<typeof SCALE_FLAGS>

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

interface PoolCounts {
  readonly pending: number
  readonly queued: number
}

/** anvil's `txpool_status`: transactions waiting for a block, and those stuck behind a nonce gap. */
const poolCounts = (node: EthereumNode): Promise<PoolCounts> =>
  Effect.runPromise(
    Effect.map(ethereumCall(node, "txpool_status"), (raw) => {
      const s = raw as { pending?: string; queued?: string }
      return { pending: Number(s.pending ?? 0), queued: Number(s.queued ?? 0) }
    }).pipe(Effect.orElseSucceed(() => ({ pending: 0, queued: 0 }))),
  )

/** Waits (at most `timeoutMs`) until no node has a pending transaction; answers what is left, by node. */
const settle = async (nodes: ReadonlyArray<EthereumNode>, timeoutMs: number): Promise<ReadonlyArray<PoolCounts>> => {
  const deadline = Date.now() + timeoutMs
  while (true) {
    const counts = await Promise.all(nodes.map(poolCounts))
    if (counts.every((c) => c.pending === 0) || Date.now() > deadline) return counts
    await sleep(500)
  }
}

/** Runs one phase on the first `size` nodes and tallies it. */
const phase = async (
  index: number,
  size: number,
  ctx: { readonly options: Options; readonly io: BenchIo; readonly nodes: ReadonlyArray<EthereumNode>; readonly proxies: ReadonlyArray<CountingProxy>; readonly counter: string; readonly chainId: number; readonly apiKey: string; readonly workDir: string },
): Promise<ScalePhase> => {
  const { options, io } = ctx
  const label = size === 1 ? "1 node" : `${size} nodes`
  const pool = ctx.nodes.slice(0, size)
  const senders = Math.ceil(options.calls / options.callsPerSender)
  const keys = freshKeys(senders)
  io.err(`scale: ${label}: funding ${senders} fresh keys on ${size} node(s)`)
  await fundAddresses(pool, keys.addresses, "scale")
  // Distinct amounts per phase: phase 1 uses 1e9+1.., phase 2 2e9+1..
  const amounts = Array.from({ length: options.calls }, (_, i) => BigInt(index + 1) * 1_000_000_000n + BigInt(i + 1))
  const fromBlocks = await Promise.all(pool.map(headOf))
  const result = await runPoolPhase(
    {
      label,
      configPath: options.config,
      workDir: ctx.workDir,
      proxies: ctx.proxies.slice(0, size),
      chainId: ctx.chainId,
      apiKey: ctx.apiKey,
      keys: keys.keys,
      bodies: bumpBodies(keys.addresses, ctx.counter, amounts, options.callsPerSender),
      batchSize: options.batchSize,
      readyTimeoutMs: options.readyTimeoutMs,
      finalTimeoutMs: options.finalTimeoutS * 1000,
    },
    io,
  )
  // Copies the gateway re-broadcast may still wait for a block; let them land before counting.
  const leftover = await settle(pool, Math.max(5_000, options.blockTimeS * 5_000))
  const names = poolNodeNames(size)
  const perNode = await Promise.all(
    pool.map(async (node, i) => {
      const executions = await executionsOn(node, ctx.counter, (fromBlocks[i] ?? 0) + 1)
      const times = await blockTimes(node, [...new Set(executions.map((e) => e.block))])
      return { node: names[i] ?? node.endpoint.name, executions, blockTimes: times }
    }),
  )
  const tally = tallyPhase(amounts, perNode)
  io.err(`scale: ${label}: ${tally.executed}/${tally.expected} executed, ${tally.duplicated} more than once, ${result.confirmRatePerSec?.toFixed(1) ?? "-"} calls/s`)
  return {
    label,
    nodes: size,
    result,
    tally,
    leftover: Object.fromEntries(names.map((n, i) => [n, leftover[i] ?? { pending: 0, queued: 0 }])),
  }
}

/** Runs the whole bench. */
export const runScale = async (options: Options, io: BenchIo): Promise<BenchReport> => {
  const config = await loadBaseConfig(options.config)
  const apiKey = apiKeyFrom(config, io.env)
  const chainId = config.chains.ethereum.chain_id
  const binary = findAnvil(options.anvil, process.cwd())
  if (binary === undefined) {
    throw new BenchFailed({ reason: `no anvil binary found${options.anvil === "" ? " under ./node_modules/@foundry-rs or on PATH" : ` at ${options.anvil}`}; run from the repository folder (npm install puts it there) or pass --anvil FILE` })
  }
  const automine = options.blockTimeS === 0
  const settings = { count: options.nodes, chainId, blockTimeS: options.blockTimeS, gasLimit: automine ? 0 : blockGasLimitFor(options.callsPerBlock) }
  io.err(`scale: starting ${settings.count} anvil nodes (${automine ? "automine" : `a block every ${options.blockTimeS} s holding ${options.callsPerBlock} calls`})`)
  const fleet: AnvilFleet = await startAnvilFleet(settings, binary)
  const nodes = fleet.nodes.map((n, i) => benchNode(`anvil-${i + 1}`, n.url, chainId))
  const proxies: Array<CountingProxy> = []
  const workDir = mkdtempSync(join(tmpdir(), "gateway-bench-scale-"))
  try {
    io.err(`scale: anvil pids ${fleet.nodes.map((n) => `${n.pid} (:${n.port})`).join(", ")}`)
    const counter = await deployCounter(nodes, Math.max(30_000, options.blockTimeS * 10_000))
    io.err(`scale: Counter at ${counter} on every node`)
    for (const n of fleet.nodes) proxies.push(startCountingProxy(n.url, { keyParamsOf: ["eth_sendRawTransaction"] }))
    const ctx = { options, io, nodes, proxies, counter, chainId, apiKey, workDir }
    const one = await phase(0, 1, ctx)
    const many = await phase(1, options.nodes, ctx)
    const report = scaleReport({
      one,
      many,
      node: { automine, blockTimeS: options.blockTimeS, callsPerBlock: automine ? null : options.callsPerBlock, blockGasLimit: settings.gasLimit, anvil: [fleet.binary, ...fleet.args].join(" ") },
      counter,
      callsPerSender: options.callsPerSender,
    })
    const path = resolve(options.timelineSvg)
    await mkdir(dirname(path), { recursive: true })
    await Bun.write(path, renderChart(scaleTimeline(one, many)))
    io.err(`scale: cumulative-executions chart: ${path}`)
    return report
  } finally {
    for (const p of proxies) await p.stop().catch(() => undefined)
    for (const n of nodes) await closeNode(n).catch(() => undefined)
    await fleet.stop()
    io.err(`scale: stopped anvil pids ${fleet.nodes.map((n) => n.pid).join(", ")}`)
    rmSync(workDir, { recursive: true, force: true })
  }
}
