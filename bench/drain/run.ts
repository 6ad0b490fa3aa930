/**
 * The drain run, pass by pass, one thing on the node at a time: the direct
 * ladder (nothing else running), then the same node through a gateway; for
 * the burst, the gateway pass with the side probe, then the direct burst
 * with the probe again. Writes the burst's timeline chart beside the results.
 */
import { mkdir } from "node:fs/promises"
import { loadavg } from "node:os"
import { dirname, resolve } from "node:path"
import { Effect, Result } from "effect"
import { closeEthereumNode, ethereumCall, type EthereumNode, makeEthereumNode } from "../../src/adapters/ethereum.ts"
import type { GatewayConfig } from "../../src/config/gateway-config.ts"
import type { NodeConfig } from "../../src/config/node-config.ts"
import { BenchFailed, type BenchIo } from "../lib/bench-definition.ts"
import type { OptionsOf } from "../lib/bench-flags.ts"
import { type Chart, renderChart } from "../lib/chart-svg.ts"
import { type BlockClock, minedRate, minedTimes, reachedAt, startBlockClock } from "../lib/block-clock.ts"
import { bestConcurrency, driveNode, type LadderResult, type NodeCall } from "../lib/direct-node.ts"
import { freshKeys, fundAddresses } from "../lib/fresh-keys.ts"
import { prepareBitcoinTransfer, prepareEthereumTransfer } from "../lib/node-calls.ts"
import { cpuMeter, ownCpuSeconds, stackGroups } from "../lib/process-cpu.ts"
import type { BenchReport } from "../lib/results.ts"
import { apiKeyFrom, loadBaseConfig } from "../intake/run.ts"
import { settleWallet, walletAddress, walletEndpoint } from "../intake/wallet-address.ts"
import { submitPaced, type AcceptedRequest } from "../intake/intake-client.ts"
import { type CallOutcome, pacedLoad } from "../intake/load.ts"
import { gatewayTransfers, type LatencyPass, latencyChart, reachedLatencies, type TimedTransfer } from "./latency.ts"
import { type PhaseOptions, runGatewayPhase } from "./gateway-phase.ts"
import type { DRAIN_FLAGS } from "./index.ts"
import { type BurstPass, burstTimeline, blocksChart, cpuChart, type DirectToMined, type DrainPass, drainReport } from "./report.ts"
import { startProbe, startThreadProbe } from "./side-probe.ts"
import { clearPool, type Nudge, startStallNudger } from "./stall-nudger.ts"
import { btcPaymentBodies, type EthNodeState, ethNodeState, ethTransferBodies, minedFrom, sinkAddress } from "./workload.ts"

type Options = OptionsOf<typeof DRAIN_FLAGS>

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

const nodeOf = (config: GatewayConfig, chain: "ethereum" | "bitcoin"): NodeConfig => {
  const node = config.nodes.find((n) => n.chain === chain)
  if (node === undefined) throw new BenchFailed({ reason: `the config has no ${chain} node; add one to [[nodes]] or leave it out with --phases` })
  return node
}

/** The `[kafka.consumer]` pacing keys the flags override, if any (the light pause never above the busy one). */
const pacingOverride = (config: GatewayConfig, options: Options): Record<string, number> | undefined => {
  const busy = options.transactionIntervalMs >= 0 ? options.transactionIntervalMs : config.kafka.consumer.transaction_interval_ms
  const light = Math.min(busy, options.transactionIntervalLightMs >= 0 ? options.transactionIntervalLightMs : config.kafka.consumer.transaction_interval_light_ms)
  if (options.transactionIntervalMs < 0 && options.transactionIntervalLightMs < 0) return undefined
  return { transaction_interval_ms: busy, transaction_interval_light_ms: light }
}

/** What every gateway pass shares. */
const common = (options: Options, apiKey: string, config: GatewayConfig) => {
  const pacing = pacingOverride(config, options)
  return {
    configPath: options.config,
    apiKey,
    batchSize: options.batchSize,
    batchClients: options.batchClients,
    readyTimeoutMs: options.readyTimeoutMs,
    reachTimeoutMs: options.reachTimeoutS * 1000,
    finalTimeoutMs: options.finalTimeoutS * 1000,
    ...(pacing === undefined ? {} : { consumer: pacing }),
  }
}

/** The node's state after a pass; says so on stderr when it holds transactions it is not mining. */
const checkNode = async (node: EthereumNode, pass: string, notFinal: number, io: BenchIo): Promise<EthNodeState | null> => {
  const state = await ethNodeState(node).catch(() => null)
  if (state !== null && notFinal > 0 && (state.pending ?? 0) > 0 && state.secondsSinceHead > 10) {
    io.err(`${pass}: the Ethereum node holds ${state.pending} pending transactions and its head (${state.head}) is ${state.secondsSinceHead} s old: it stopped mining (anvil automine can miss ready transactions, foundry-rs/foundry#10122); ${notFinal} requests were not final`)
  } else if (state !== null && notFinal > 0 && (state.pending ?? 0) > 0 && state.headTxs === 0) {
    io.err(`${pass}: the Ethereum node mines empty blocks while ${state.pending} transactions are pending (anvil automine can miss ready transactions, foundry-rs/foundry#10122); ${notFinal} requests were not final`)
  }
  return state
}

/** Runs `pass` with the stall nudger on (unless --leave-stalls), and returns its result and the nudges. */
const nudging = async <A>(node: EthereumNode, label: string, options: Options, io: BenchIo, pass: () => Promise<A>): Promise<{ readonly result: A; readonly nudges: ReadonlyArray<Nudge> }> => {
  if (options.leaveStalls) return { result: await pass(), nudges: [] }
  const nudger = startStallNudger(node, (n) =>
    io.err(`${label}: anvil held ${n.pending} pending transactions without mining them (foundry-rs/foundry#10122); the bench mined one block (evm_mine)`),
  )
  try {
    const result = await pass()
    return { result, nudges: await nudger.stop() }
  } finally {
    await nudger.stop()
  }
}

/**
 * Sends `requests` calls straight to the node, `concurrency` at a time, and waits (up to
 * `timeoutMs`) until its blocks hold every answered one: the node's own drain, sends to
 * mined, on the clock the gateway's pass is timed with. The pool must be empty at the start.
 */
const driveToMined = async (node: EthereumNode, call: NodeCall, concurrency: number, requests: number, timeoutMs: number, io: BenchIo): Promise<DirectToMined> => {
  const clock = await startBlockClock(node)
  const from = Date.now()
  const run = await driveNode({ concurrency, callsPerWorker: Math.ceil(requests / concurrency), call, label: `ethereum direct to mined c=${concurrency}`, progress: io.progress })
  const deadline = Date.now() + timeoutMs
  while (reachedAt(clock.blocks(), run.succeeded) === null && Date.now() < deadline) await sleep(100)
  const blocks = await clock.stop()
  const minedAt = reachedAt(blocks, run.succeeded)
  return { concurrency, sent: run.succeeded, failed: run.failed, sendRatePerSec: run.ratePerSec, from, minedAt, ratePerSec: minedRate(run.succeeded, from, minedAt), blocks }
}

const capOf = (node: NodeConfig, override: number) => (override > 0 ? override : node.max_in_flight)

/** A gateway pass of `count` Ethereum transfers from `keys` into the config's Ethereum node. */
const ethTransferPhase = (config: GatewayConfig, options: Options, apiKey: string, name: string, keys: { readonly keys: readonly string[]; readonly addresses: readonly string[] }, count: number): PhaseOptions => ({
  ...common(options, apiKey, config),
  name,
  node: nodeOf(config, "ethereum").name,
  nodeOverride: options.ethMaxInFlight > 0 ? { max_in_flight: options.ethMaxInFlight } : {},
  env: { [config.chains.ethereum.keystore_env]: keys.keys.join(",") },
  bodies: ethTransferBodies(keys.addresses, sinkAddress(), count),
})

const ethereumDrain = async (config: GatewayConfig, options: Options, io: BenchIo, probeNode: EthereumNode, apiKey: string): Promise<DrainPass> => {
  const node = nodeOf(config, "ethereum")
  const endpoint = { name: `${node.name}-direct`, url: node.url, chainId: config.chains.ethereum.chain_id, pollingIntervalMs: 250 }
  const prepared = await prepareEthereumTransfer({ endpoint, senders: { kind: "fresh" }, workers: Math.max(...options.ethLadder) })
  io.err(`drain: ethereum direct: ${prepared.describe}`)
  // What the node costs driven directly, per call: the reference of the gateway path's CPU per request.
  const directMeter = cpuMeter(stackGroups(), { bench: ownCpuSeconds })
  directMeter.start()
  let ladder: LadderResult
  let directToMined: DirectToMined
  let directCpu: NonNullable<DrainPass["directCpu"]>
  try {
    ladder = await bestConcurrency({ ladder: options.ethLadder, callsPerStep: options.ethCallsPerStep, call: prepared.call, label: "ethereum direct", progress: io.progress, betweenSteps: () => sleep(500) })
    const directWindow = directMeter.stop()
    directCpu = { ...directWindow, calls: ladder.steps.reduce((n, s) => n + s.succeeded, 0) }
    io.err(`drain: ethereum direct best: c=${ladder.best.concurrency}, ${ladder.best.ratePerSec}/s`)
    await clearPool(probeNode)
    directToMined = await driveToMined(probeNode, prepared.call, ladder.best.concurrency, options.ethRequests, options.reachTimeoutS * 1000, io)
    io.err(`drain: ethereum direct to mined: ${directToMined.sent} sends answered at ${directToMined.sendRatePerSec}/s, all mined ${directToMined.minedAt === null ? "(not within the wait)" : `${directToMined.minedAt - directToMined.from} ms after the first send: ${directToMined.ratePerSec}/s`}`)
  } finally {
    await prepared.close()
  }
  const warmup = options.ethWarmup > 0 ? await ethereumWarmup(config, options, io, probeNode, apiKey) : undefined
  const cleared = await clearPool(probeNode)
  if (cleared.pendingAtStart > 0) io.err(`drain: anvil held ${cleared.pendingAtStart} pending transactions after the direct sends; ${cleared.minedBlocks} blocks mined (evm_mine) before the gateway pass, ${cleared.pendingAtEnd} still pending`)
  const keys = freshKeys(options.ethSenders)
  await fundAddresses([probeNode], keys.addresses, "drain")
  const maxInFlight = capOf(node, options.ethMaxInFlight)
  const clock = await startBlockClock(probeNode)
  const { result: phase, nudges } = await nudging(probeNode, "drain-eth", options, io, () =>
    runGatewayPhase({ ...ethTransferPhase(config, options, apiKey, "drain-eth", keys, options.ethRequests), meterCpu: true }, io),
  )
  const gatewayBlocks = await clock.stop()
  const gatewayMinedAt = reachedAt(gatewayBlocks, phase.accepted)
  const mined = await minedFrom(probeNode, keys.addresses)
  const nodeState = await checkNode(probeNode, "drain-eth", phase.accepted - phase.final.final, io)
  const toMined = { direct: directToMined, gatewayMinedAt, gatewayRatePerSec: minedRate(phase.accepted, phase.firstAcceptedAt, gatewayMinedAt), gatewayBlocks }
  return { chain: "ethereum", call: prepared.describe, ladder, phase, maxInFlight, mined, nodeState, nudges, directCpu, poolBeforePass: cleared, toMined, ...(warmup === undefined ? {} : { warmup }) }
}

/**
 * `--eth-warmup` transfers through a gateway of their own (fresh keys, own topics), untimed:
 * the brokers' JIT compiles the transactional path the drain pass then takes. The direct
 * ladder never touches Kafka, so without it the pass alone pays for the brokers' warm-up.
 */
const ethereumWarmup = async (config: GatewayConfig, options: Options, io: BenchIo, probeNode: EthereumNode, apiKey: string): Promise<NonNullable<DrainPass["warmup"]>> => {
  const keys = freshKeys(options.ethSenders)
  await fundAddresses([probeNode], keys.addresses, "drain")
  io.err(`drain: ethereum warm-up: ${options.ethWarmup} transfers through a gateway, untimed`)
  const { result: phase } = await nudging(probeNode, "warmup-eth", options, io, () =>
    runGatewayPhase(ethTransferPhase(config, options, apiKey, "warmup-eth", keys, options.ethWarmup), io),
  )
  return { requests: phase.accepted, final: phase.final.final, e2eRatePerSec: phase.e2eRatePerSec }
}

const bitcoinDrain = async (config: GatewayConfig, options: Options, io: BenchIo, apiKey: string): Promise<DrainPass> => {
  const node = nodeOf(config, "bitcoin")
  const endpoint = walletEndpoint(config, io.env)
  // The gateway turns sendtoaddress into btcwallet's sendfrom(account, address, amount, 0); the reference makes the same call.
  const prepared = await prepareBitcoinTransfer({ endpoint, amount: options.btcAmount, method: node.wallet === "bitcoind" ? "sendtoaddress" : "sendfrom", account: config.chains.bitcoin.account })
  io.err(`drain: bitcoin direct: ${prepared.describe}`)
  const ladder = await bestConcurrency({ ladder: options.btcLadder, callsPerStep: options.btcCallsPerStep, call: prepared.call, label: "bitcoin direct", progress: io.progress, betweenSteps: () => sleep(500) }).finally(() => prepared.close())
  io.err(`drain: bitcoin direct best: c=${ladder.best.concurrency}, ${ladder.best.ratePerSec}/s`)
  // The direct calls started from confirmed coins; so does the gateway's pass.
  const settled = await settleWallet(endpoint)
  io.err(`drain: bitcoin: ${settled.unconfirmedAtStart} unconfirmed coins after the direct calls, ${settled.unconfirmedAtEnd} after waiting ${settled.waitedMs} ms for blocks`)
  const phase = await runGatewayPhase(
    {
      ...common(options, apiKey, config),
      name: "drain-btc",
      node: node.name,
      nodeOverride: options.btcMaxInFlight > 0 ? { max_in_flight: options.btcMaxInFlight } : {},
      env: {},
      bodies: btcPaymentBodies(await walletAddress(endpoint), options.btcAmount, options.btcRequests),
    },
    io,
  )
  return { chain: "bitcoin", call: prepared.describe, ladder, phase, maxInFlight: capOf(node, options.btcMaxInFlight), mined: null, nodeState: null, nudges: [], walletBeforePass: settled }
}

const ethereumBurst = async (config: GatewayConfig, options: Options, io: BenchIo, probeNode: EthereumNode, apiKey: string, capacity: number | null): Promise<BurstPass> => {
  const node = nodeOf(config, "ethereum")
  const probeCall = () => Effect.runPromise(ethereumCall(probeNode, "eth_blockNumber"))
  const idleMs = options.idleSeconds * 1000
  const keys = freshKeys(options.burstSenders)
  await fundAddresses([probeNode], keys.addresses, "drain")
  // The node's latency from a thread of its own, and, for comparison with the figures before 6 December 13:30, from the bench's own event loop.
  const probe = startThreadProbe(probeNode.endpoint.url, options.probeMs)
  const loopProbe = startProbe(probeCall, options.probeMs)
  const idleFrom = Date.now()
  const phaseOptions: PhaseOptions = {
    ...common(options, apiKey, config),
    finalTimeoutMs: options.burstFinalTimeoutS * 1000,
    name: "burst-eth",
    node: node.name,
    nodeOverride: options.ethMaxInFlight > 0 ? { max_in_flight: options.ethMaxInFlight } : {},
    env: { [config.chains.ethereum.keystore_env]: keys.keys.join(",") },
    bodies: ethTransferBodies(keys.addresses, sinkAddress(), options.burstRequests),
    beforeSubmit: () => {
      io.err(`drain: burst: probing the idle node for ${options.idleSeconds} s`)
      return sleep(idleMs)
    },
  }
  const { result: phase, nudges } = await nudging(probeNode, "burst-eth", options, io, () => runGatewayPhase(phaseOptions, io)).finally(() => Promise.all([probe.stop(), loopProbe.stop()]))
  // The probe started before the gateway; the idle window is the last idleSeconds before the first submission.
  const gatewayIdleFrom = Math.max(idleFrom, phase.submitFrom - idleMs)
  const mined = await minedFrom(probeNode, keys.addresses)
  const nodeState = await checkNode(probeNode, "burst-eth", phase.accepted - phase.final.final, io)

  const directSenders = Math.min(options.burstSenders, options.burstRequests)
  const prepared = await prepareEthereumTransfer({ endpoint: { name: `${node.name}-direct`, url: node.url, chainId: config.chains.ethereum.chain_id, pollingIntervalMs: 250 }, senders: { kind: "fresh" }, workers: directSenders })
  try {
    const directProbe = startThreadProbe(probeNode.endpoint.url, options.probeMs)
    const directLoopProbe = startProbe(probeCall, options.probeMs)
    const directIdleFrom = Date.now()
    io.err(`drain: direct burst: probing the idle node for ${options.idleSeconds} s, then ${options.burstRequests} calls at once (${prepared.describe})`)
    await sleep(idleMs)
    const directFrom = Date.now()
    const { result: direct, nudges: directNudges } = await nudging(probeNode, "direct burst", options, io, () =>
      driveNode({ concurrency: options.burstRequests, callsPerWorker: 1, call: prepared.call, label: "direct burst", progress: io.progress }),
    )
    const directTo = Date.now()
    const [samples, loopSamples] = await Promise.all([directProbe.stop(), directLoopProbe.stop()])
    return {
      phase, maxInFlight: capOf(node, options.ethMaxInFlight), mined, nodeState, nudges, directNudges, capacity, probe: probe.samples, loopProbe: loopProbe.samples,
      idleFrom: gatewayIdleFrom, direct, directProbe: samples, directLoopProbe: loopSamples, directIdleFrom, directFrom, directTo,
    }
  } finally {
    await prepared.close()
  }
}

/** Waits (up to `timeoutMs`) until `clock` has seen every hash of `hashes` mined. */
const untilMined = async (clock: BlockClock, hashes: ReadonlyArray<string>, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const mined = minedTimes(clock.blocks())
    if (hashes.every((h) => mined.has(h))) return
    await sleep(200)
  }
}

/**
 * One Ethereum transfer at a time at a steady pace, through a gateway and then straight to
 * the node, each timed from the call to the first sight of the block holding it (see latency.ts).
 */
const ethereumLatency = async (config: GatewayConfig, options: Options, io: BenchIo, probeNode: EthereumNode, apiKey: string): Promise<LatencyPass> => {
  const node = nodeOf(config, "ethereum")
  const requests = Math.max(1, Math.round(options.latencyRate * options.latencySeconds))
  const pacing = pacingOverride(config, options) ?? { transaction_interval_ms: config.kafka.consumer.transaction_interval_ms, transaction_interval_light_ms: config.kafka.consumer.transaction_interval_light_ms }
  const interval = { busyMs: pacing.transaction_interval_ms ?? 0, lightMs: pacing.transaction_interval_light_ms ?? 0 }
  await clearPool(probeNode)
  const keys = freshKeys(options.latencySenders)
  await fundAddresses([probeNode], keys.addresses, "drain")
  io.err(`drain: latency: ${requests} single transfers at ${options.latencyRate}/s through a gateway (transaction interval ${interval.busyMs} ms, ${interval.lightMs} ms without a backlog), then as many straight to the node`)
  let accepted: ReadonlyArray<AcceptedRequest> = []
  const clock = await startBlockClock(probeNode)
  const { result: phase, nudges } = await nudging(probeNode, "latency-eth", options, io, () =>
    runGatewayPhase(
      {
        ...ethTransferPhase(config, options, apiKey, "latency-eth", keys, requests),
        meterCpu: true,
        submit: async (target) => {
          const paced = await submitPaced(target, ethTransferBodies(keys.addresses, sinkAddress(), requests), { ratePerSec: options.latencyRate, label: "latency-eth submit", progress: io.progress })
          accepted = paced.requests
          return paced
        },
      },
      io,
    ),
  )
  const gatewayTxids = accepted.flatMap((a) => {
    const txid = phase.requestTimes.get(a.id)?.txid
    return txid === undefined ? [] : [txid.toLowerCase()]
  })
  await untilMined(clock, gatewayTxids, 10_000)
  const gatewayMined = minedTimes(await clock.stop())
  const gateway = gatewayTransfers(accepted, phase.requestTimes, gatewayMined)

  await clearPool(probeNode)
  const prepared = await prepareEthereumTransfer({ endpoint: { name: `${node.name}-direct`, url: node.url, chainId: config.chains.ethereum.chain_id, pollingIntervalMs: 250 }, senders: { kind: "fresh" }, workers: options.latencySenders })
  const sent: Array<{ readonly hash: string; readonly sentAt: number; readonly answeredAt: number }> = []
  let directFailed = 0
  const directClock = await startBlockClock(probeNode)
  try {
    // One call at a time per sender, as the gateway sends a sender's transfers in nonce order.
    const lanes = Array.from({ length: options.latencySenders }, () => Promise.resolve())
    const { nudges: directNudges } = await nudging(probeNode, "latency direct", options, io, async () => {
      await pacedLoad({
        calls: requests,
        ratePerSec: options.latencyRate,
        label: "latency direct",
        progress: io.progress,
        send: (i) => {
          const worker = i % options.latencySenders
          const sentAt = Date.now()
          const lane = (lanes[worker] ?? Promise.resolve()).then(() =>
            Effect.runPromise(Effect.result(prepared.call({ worker, index: i }))).then(
              (result): CallOutcome => {
                if (Result.isSuccess(result) && typeof result.success === "string") {
                  sent.push({ hash: result.success.toLowerCase(), sentAt, answeredAt: Date.now() })
                  return { ok: true, status: 200 }
                }
                directFailed++
                return { ok: false, status: 0, detail: Result.isFailure(result) ? `${result.failure._tag}: ${result.failure.detail}` : "the node answered no hash" }
              },
              (error: unknown): CallOutcome => {
                directFailed++
                return { ok: false, status: 0, detail: error instanceof Error ? error.message : String(error) }
              },
            ),
          )
          lanes[worker] = lane.then(() => undefined)
          return lane
        },
      })
      await untilMined(directClock, sent.map((s) => s.hash), options.reachTimeoutS * 1000)
    })
    const directMined = minedTimes(await directClock.stop())
    const direct: ReadonlyArray<TimedTransfer> = sent.map((s) => ({ sentAt: s.sentAt, answeredAt: s.answeredAt, minedAt: directMined.get(s.hash) }))
    return {
      ratePerSec: options.latencyRate,
      requests,
      senders: options.latencySenders,
      phase,
      gateway,
      gatewayReachedMs: reachedLatencies(accepted, phase.requestTimes),
      direct,
      directFailed,
      transactionInterval: interval,
      nudges,
      directNudges,
    }
  } finally {
    await directClock.stop()
    await prepared.close()
  }
}

/** Writes `chart` as an SVG at `file` (its folder made if missing) and says where. */
const writeChart = async (io: BenchIo, file: string, chart: Chart, what: string): Promise<void> => {
  const path = resolve(file)
  await mkdir(dirname(path), { recursive: true })
  await Bun.write(path, renderChart(chart))
  io.err(`drain: ${what} chart: ${path}`)
}

/** Runs the chosen passes and builds the report. */
export const runDrain = async (options: Options, io: BenchIo): Promise<BenchReport> => {
  const loadAtStart = loadavg()
  const config = await loadBaseConfig(options.config)
  const apiKey = apiKeyFrom(config, io.env)
  const wants = (p: string) => options.phases.includes(p)
  const eth = wants("ethereum") || wants("burst") || wants("latency") ? nodeOf(config, "ethereum") : undefined
  const probeNode = makeEthereumNode({ name: "drain-probe", url: eth?.url ?? "http://127.0.0.1:8545", chainId: config.chains.ethereum.chain_id, pollingIntervalMs: 250 })
  try {
    const ethereum = wants("ethereum") ? await ethereumDrain(config, options, io, probeNode, apiKey) : undefined
    const bitcoin = wants("bitcoin") ? await bitcoinDrain(config, options, io, apiKey) : undefined
    const burst = wants("burst") ? await ethereumBurst(config, options, io, probeNode, apiKey, ethereum?.ladder.best.ratePerSec ?? null) : undefined
    const latency = wants("latency") ? await ethereumLatency(config, options, io, probeNode, apiKey) : undefined
    const blocks = ethereum === undefined ? undefined : blocksChart(ethereum)
    if (blocks !== undefined) await writeChart(io, options.blocksSvg, blocks, "transactions per block")
    const cpu = ethereum === undefined ? undefined : cpuChart(ethereum)
    if (cpu !== undefined) await writeChart(io, options.cpuSvg, cpu, "CPU per request")
    if (burst !== undefined) await writeChart(io, options.timelineSvg, burstTimeline(burst), "burst timeline")
    if (latency !== undefined) await writeChart(io, options.latencySvg, latencyChart(latency), "latency")
    return drainReport({ loadAverage: { start: loadAtStart, end: loadavg() }, ...(ethereum === undefined ? {} : { ethereum }), ...(bitcoin === undefined ? {} : { bitcoin }), ...(burst === undefined ? {} : { burst }), ...(latency === undefined ? {} : { latency }) })
  } finally {
    await Effect.runPromise(closeEthereumNode(probeNode))
  }
}
