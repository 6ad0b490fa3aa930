/**
 * One pass through a real gateway whose Ethereum pool is the given counting
 * proxies (`eth-1..N`, each its own `[[nodes]]` entry and cap, all in front
 * of the same anvil): an isolated run (own topics, group and port), a
 * gateway with the producer and consumer roles, and a burst of transfers
 * submitted `burstAfterMs` into the pass and followed in the run's results
 * topic until it has drained. A `reads` pass runs the read storm against
 * the gateway for the whole time as well; a `drain-only` pass is the same
 * burst with no reads, the reference for the drain rate. The proxies count
 * what the nodes saw during the storm (for node calls per read) and over
 * the whole pass (for the peak in-flight against the cap). The gateway is
 * always stopped and its topics deleted, also on failure.
 */
import type { EthereumNode } from "../../src/adapters/ethereum.ts"
import { BenchFailed, type BenchIo } from "../lib/bench-definition.ts"
import { headOf, type SenderTally, tallySenders } from "../lib/chain-payments.ts"
import { metricSum, type MetricSample, prepareRun, type TomlValue, warningsOf } from "../lib/gateway-under-test.ts"
import { silentSink } from "../lib/progress.ts"
import type { TrackerSummary } from "../lib/status-tracker.ts"
import { waitReachedThenFinal, withWatchedGateway } from "../lib/watched-gateway.ts"
import { type Nudge, startStallNudger } from "../drain/stall-nudger.ts"
import { type IntakeTarget, submitBatches } from "../intake/intake-client.ts"
import type { LoadResult } from "../intake/load.ts"
import type { CountingProxy, ProxyStats } from "../paper/counting-proxy.ts"
import { poolNodeNames, writePoolConfig } from "../scale/pool-config.ts"
import { type CheckedAnswer, startAnswerChecker } from "./answer-check.ts"
import { balancesRead, rpcRead } from "./read-client.ts"
import { runReadStorm, type StormOptions, type StormResult } from "./read-storm.ts"

/** The storm of a `reads` pass; the read call is made here, against the pass's own gateway. */
export interface PassStorm extends Omit<StormOptions, "read" | "label" | "progress"> {
  /** `rpc`: POST /v1/rpc/ethereum; `balances`: GET /v1/balances/ethereum/{address}. */
  readonly route: "rpc" | "balances"
  readonly timeoutMs: number
  /** The node itself: each sampled answer is checked there at once (see answer-check.ts). */
  readonly checkUrl: string
}

/** What one pass runs. */
export interface PoolPassOptions {
  readonly kind: "drain-only" | "reads"
  /** The user's base config. */
  readonly configPath: string
  /** Where the pass's pool config is written. */
  readonly workDir: string
  /** One proxy per node of the pool. */
  readonly proxies: ReadonlyArray<CountingProxy>
  readonly chainId: number
  /** max_in_flight of every pool node; 0 keeps the config's. */
  readonly nodeCap: number
  /** Keys of the gateway's `[reads]` table (empty: the gateway's defaults). */
  readonly reads: Readonly<Record<string, TomlValue>>
  readonly apiKey: string
  /** The burst's signing keys (handed to the gateway only) and its request bodies. */
  readonly keys: ReadonlyArray<string>
  readonly bodies: ReadonlyArray<unknown>
  readonly batchSize: number
  readonly batchClients: number
  readonly burstAfterMs: number
  readonly readyTimeoutMs: number
  /** After the last batch is answered (and the storm is over): how long every request may take to reach the node, then to be final. */
  readonly reachTimeoutMs: number
  readonly finalTimeoutMs: number
  /** The node itself, for the stall nudger (anvil's automine can stop including ready transactions). */
  readonly node: EthereumNode
  /** Only for a `reads` pass. */
  readonly storm?: PassStorm
}

/** The burst as the results topic saw it. */
export interface BurstDrain {
  readonly submit: LoadResult
  /** Epoch ms: first batch sent, last batch answered. */
  readonly submitFrom: number
  readonly submitTo: number
  readonly accepted: number
  readonly reached: TrackerSummary
  readonly final: TrackerSummary
  /** Requests that reached the node per second, first batch sent to the last one reaching it. */
  readonly reachedRatePerSec: number | null
  /** Requests confirmed per second, first batch sent to the last one final. */
  readonly confirmRatePerSec: number | null
  /** Epoch ms at which each request reached the node. */
  readonly reachedTimes: ReadonlyArray<number>
  /** The burst's senders' transactions in the pass's blocks, read from the chain (null if the node could not be read). */
  readonly onChain: SenderTally | null
}

/** What the gateway's /metrics said about reads at the end of the storm. */
export interface ReadMetrics {
  readonly outcomes: Readonly<Record<string, number>>
  readonly nodeCalls: Readonly<Record<string, number>>
  readonly hedged: number
  readonly cacheEntries: number
  /** Answers carried to a new head because its block did not touch their account (`[reads].carry_untouched`). */
  readonly carried: number
}

/** What one pass measured. */
export interface PoolPassResult {
  readonly kind: PoolPassOptions["kind"]
  readonly nodes: ReadonlyArray<string>
  /** Each node's max_in_flight in the pass's config. */
  readonly caps: Readonly<Record<string, number>>
  /** Epoch ms the pass started (the gateway ready, the proxies reset). */
  readonly passFrom: number
  readonly storm: StormResult | null
  /** The storm's sampled answers, each with the node's own answer for its block. */
  readonly checked: ReadonlyArray<CheckedAnswer>
  /** Per node, what its proxy saw from the storm's start to its end (null without a storm). */
  readonly stormProxies: Readonly<Record<string, ProxyStats>> | null
  /** Per node, what its proxy saw over the whole pass. */
  readonly passProxies: Readonly<Record<string, ProxyStats>>
  readonly drain: BurstDrain
  readonly metrics: ReadMetrics | null
  readonly nudges: ReadonlyArray<Nudge>
  readonly warnings: Readonly<Record<string, number>>
  readonly readyMs: number
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

/**
 * How long anvil may hold pending transactions without a block taking any before the
 * bench mines one (the drain bench waits 5 s). The stack's anvil mines every second
 * anyway, so a healthy node never looks stalled for 2 s; a shorter wait keeps anvil's
 * own stalls from deciding the drain-rate ratio.
 */
const STALL_MS = 2000

const readMetrics = (samples: ReadonlyArray<MetricSample>, nodes: ReadonlyArray<string>): ReadMetrics => ({
  outcomes: Object.fromEntries(["hit", "miss", "merged"].map((o) => [o, metricSum(samples, "gateway_reads_total", { chain: "ethereum", outcome: o })])),
  nodeCalls: Object.fromEntries(nodes.map((n) => [n, metricSum(samples, "gateway_read_node_calls_total", { chain: "ethereum", node: n })])),
  hedged: metricSum(samples, "gateway_reads_hedged_total", { chain: "ethereum" }),
  cacheEntries: metricSum(samples, "gateway_read_cache_entries", { chain: "ethereum" }),
  carried: metricSum(samples, "gateway_read_carried_total", { chain: "ethereum" }),
})

const snapshot = (proxies: ReadonlyArray<CountingProxy>, names: ReadonlyArray<string>): Record<string, ProxyStats> =>
  Object.fromEntries(proxies.map((p, i) => [names[i] ?? p.url, p.stats()]))

/** The burst's senders' transactions from the block after `firstBlock` to the head now. */
const paidOnChain = async (options: PoolPassOptions, firstBlock: number | null): Promise<SenderTally | null> => {
  if (firstBlock === null) return null
  const senders = new Set<string>()
  for (const body of options.bodies) {
    const from = (body as { params?: { from?: unknown } }).params?.from
    if (typeof from === "string") senders.add(from)
  }
  try {
    return await tallySenders(options.node, senders, firstBlock + 1, await headOf(options.node))
  } catch {
    return null
  }
}

/** Runs one pass and always stops its gateway and deletes its topics. */
export const runPoolPass = async (options: PoolPassOptions, io: BenchIo): Promise<PoolPassResult> => {
  const names = poolNodeNames(options.proxies.length)
  const label = `reads: ${names.length} node${names.length === 1 ? "" : "s"}, ${options.kind}`
  const configPath = await writePoolConfig(options.configPath, options.proxies.map((p) => p.url), options.chainId, options.workDir)
  const run = await prepareRun({
    bench: `reads-${names.length}`,
    configPath,
    hostNodes: names,
    ...(options.nodeCap > 0 ? { nodes: Object.fromEntries(names.map((n) => [n, { max_in_flight: options.nodeCap }])) } : {}),
    reads: options.reads,
  })
  const caps = Object.fromEntries(names.map((n) => [n, run.config.nodes.find((c) => c.name === n)?.max_in_flight ?? 0]))
  const pass = {
    run,
    env: { [run.config.chains.ethereum.keystore_env]: options.keys.join(",") },
    readyTimeoutMs: options.readyTimeoutMs,
    label,
    nodes: `pool ${names.map((n, i) => `${n} (${options.proxies[i]?.url}, cap ${caps[n]})`).join(", ")}`,
  }
  return withWatchedGateway(pass, io, async ({ gateway, watcher, readyMs, keepLogs }) => {
    for (const p of options.proxies) p.reset()
    const nudger = startStallNudger(options.node, (n) => io.err(`${label}: anvil held ${n.pending} pending transactions without mining them (foundry-rs/foundry#10122); the bench mined one block (evm_mine)`), 1000, STALL_MS)
    const passFrom = Date.now()
    const firstBlock = (await headOf(options.node).catch(() => undefined)) ?? null
    let stormProxies: Record<string, ProxyStats> | null = null
    let metrics: ReadMetrics | null = null
    const storm = options.storm
    const checker = options.kind === "reads" && storm !== undefined ? startAnswerChecker(storm.checkUrl) : undefined
    const stormRun =
      options.kind === "reads" && storm !== undefined
        ? runReadStorm({
            ...storm,
            label: `${label} storm`,
            progress: io.progress,
            ...(checker === undefined ? {} : { onSample: checker.push }),
            read: storm.route === "rpc" ? rpcRead(`${run.intakeUrl}/v1/rpc/ethereum`, storm.timeoutMs, options.apiKey) : balancesRead(run.intakeUrl, storm.timeoutMs, options.apiKey),
          }).then(async (result) => {
            stormProxies = snapshot(options.proxies, names)
            metrics = readMetrics(await gateway.metrics().catch(() => []), names)
            return result
          })
        : Promise.resolve(null)
    await sleep(options.burstAfterMs)
    const target: IntakeTarget = { baseUrl: run.intakeUrl, apiKey: options.apiKey, timeoutMs: 60_000 }
    const burst = { batchSize: options.batchSize, clients: options.batchClients, label: `${label} submit`, progress: options.kind === "reads" ? silentSink : io.progress }
    const { submit, submitFrom, submitTo } = await submitBatches(target, options.bodies, burst)
    const accepted = submit.okItems
    io.err(`${label}: burst of ${options.bodies.length} transfers submitted in ${submitTo - submitFrom} ms, ${accepted} accepted${submit.failures.length === 0 ? "" : `; refused: ${submit.failures.map((f) => `${f.count}x HTTP ${f.status} ${f.detail}`).join(", ")}`}`)
    if (accepted === 0) throw new BenchFailed({ reason: `${label}: the intake accepted no batch; check the gateway log and that Kafka is up (npm run stack -- status)` })
    const stormResult = await stormRun
    const checked = (await checker?.finish()) ?? []
    const { reached, final } = await waitReachedThenFinal(watcher, accepted, options, label, io)
    if (final.final < accepted) keepLogs(`${accepted - final.final} of ${accepted} requests not final`)
    const nudges = await nudger.stop()
    const onChain = await paidOnChain(options, firstBlock)
    const confirmed = final.byStatus.confirmed ?? 0
    if (onChain === null) io.err(`${label}: could not read the pass's blocks from the node; payments on chain not checked`)
    else if (onChain.transfers !== confirmed) {
      io.err(`${label}: ${onChain.transfers} transfers of the burst's senders in blocks ${onChain.fromBlock}-${onChain.toBlock} for ${confirmed} confirmed requests`)
      keepLogs(`${onChain.transfers} transfers on chain for ${confirmed} confirmed requests`)
    }
    const passProxies = snapshot(options.proxies, names)
    const span = (to: number | null) => (to === null || to <= submitFrom ? null : to - submitFrom)
    const reachedSpan = span(reached.lastReachedAt)
    const finalSpan = span(final.lastFinalAt)
    return {
      kind: options.kind,
      nodes: names,
      caps,
      passFrom,
      storm: stormResult,
      checked,
      stormProxies,
      passProxies,
      drain: {
        submit,
        submitFrom,
        submitTo,
        accepted,
        reached,
        final,
        reachedRatePerSec: reachedSpan === null ? null : (reached.reachedNode * 1000) / reachedSpan,
        confirmRatePerSec: finalSpan === null ? null : ((final.byStatus.confirmed ?? 0) * 1000) / finalSpan,
        reachedTimes: [...watcher.tracker.reachedTimes()],
        onChain,
      },
      metrics,
      nudges,
      warnings: warningsOf(gateway.lines),
      readyMs,
    }
  })
}
