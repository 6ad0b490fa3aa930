/**
 * The paper run. Gateway pass: a fresh funded wallet account, Table 1's
 * eight gateway processes on an isolated run whose Bitcoin node is the
 * counting proxy in front of the wallet, 5 producers × 10 workers × 20
 * single POSTs of sendfrom with distinct amounts, a wait until every
 * accepted request is final, and the wallet's own list of what it paid.
 * Direct pass: another fresh account, the same 50 workers × 20 sendfrom
 * calls straight to the wallet (through the same proxy), the same check.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { mkdir } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { Effect, Result } from "effect"
import { bitcoinCall, type BitcoinEndpoint } from "../../src/adapters/bitcoin-rpc.ts"
import type { GatewayConfig } from "../../src/config/gateway-config.ts"
import { BenchFailed, type BenchIo } from "../lib/bench-definition.ts"
import type { OptionsOf } from "../lib/bench-flags.ts"
import { renderChart } from "../lib/chart-svg.ts"
import { prepareRun } from "../lib/gateway-under-test.ts"
import { startProgress } from "../lib/progress.ts"
import type { BenchReport } from "../lib/results.ts"
import { watchResults } from "../lib/results-watcher.ts"
import { failureDetail, postJson } from "../intake/intake-client.ts"
import { apiKeyFrom, loadBaseConfig } from "../intake/run.ts"
import { walletEndpoint } from "../intake/wallet-address.ts"
import { type CountingProxy, startCountingProxy } from "./counting-proxy.ts"
import { startCluster } from "./gateway-cluster.ts"
import type { PAPER_FLAGS } from "./index.ts"
import { localStackOf, writeLocalLayout } from "./layout.ts"
import { type GatewayPass, type Pass, type PaperInput, paperReport, paperTimeline } from "./report.ts"
import { checkPayments, distinctAmounts, type FundedAccount, fundFreshAccount, paymentsTo } from "./wallet.ts"
import { runWorkers } from "./workers.ts"

type Options = OptionsOf<typeof PAPER_FLAGS>

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

/** A name no earlier run used: `paper-gw-20261121t163725z-k3f9`. */
export const accountName = (kind: string): string =>
  `paper-${kind}-${new Date().toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "").toLowerCase()}-${Math.random().toString(36).slice(2, 6)}`

/** The wallet's view of a pass, read once its sends have had time to be listed. */
const walletCheck = async (endpoint: BitcoinEndpoint, funded: FundedAccount, amounts: ReadonlyArray<string>, sinceEpochMs: number) =>
  checkPayments(amounts, await paymentsTo(endpoint, funded.address, Math.floor(sinceEpochMs / 1000) - 60), [funded.fundingTxid])

const gatewayPass = async (options: Options, io: BenchIo, local: GatewayConfig, wallet: BitcoinEndpoint, proxy: CountingProxy, apiKey: string, workDir: string): Promise<GatewayPass> => {
  const layoutPath = await writeLocalLayout(options.config, localStackOf(local, proxy.url), workDir)
  const run = await prepareRun({ bench: "paper", configPath: layoutPath })
  const total = options.producers * options.workers * options.requests
  const funded = await fundFreshAccount(wallet, accountName("gw"), options.fundBtc, 60_000)
  io.err(`paper: gateway pass: account ${funded.account} funded with ${options.fundBtc} BTC; paying ${funded.address}; topics ${run.names.prefix}.*`)
  const amounts = distinctAmounts(options.amount, total)
  let clean = false
  const cluster = await startCluster(run, io, options.readyTimeoutMs).catch(async (error: unknown) => {
    await run.finish({ keepDir: true })
    throw error
  })
  const watcher = watchResults(run.config.kafka.brokers, run.names.results, `${run.names.prefix}-watch`)
  try {
    if (cluster.producers.length !== options.producers) {
      throw new BenchFailed({ reason: `${options.config} lays out ${cluster.producers.length} producer hosts, but --producers is ${options.producers}; give the number of producer hosts the layout has` })
    }
    await watcher.started
    proxy.reset()
    const workers = options.producers * options.workers
    const submitted = await runWorkers({
      workers,
      perWorker: options.requests,
      label: "paper gateway submit",
      progress: io.progress,
      call: async ({ worker, index }) => {
        const producer = cluster.producers[Math.floor(worker / options.workers)]
        const amount = amounts[worker * options.requests + index] ?? "0"
        const body = { chain: "bitcoin", method: "sendfrom", params: { account: funded.account, address: funded.address, amount } }
        const answer = await postJson({ baseUrl: producer?.intakeUrl ?? "", apiKey, timeoutMs: 30_000 }, "/v1/requests", JSON.stringify(body))
        return answer.status === 202 ? { ok: true } : { ok: false, detail: `HTTP ${answer.status} ${failureDetail(answer)}` }
      },
    })
    const bar = startProgress({ label: "paper gateway final", total: submitted.ok, sink: io.progress })
    const deadline = Date.now() + options.finalTimeoutS * 1000
    while (watcher.tracker.summary().final < submitted.ok && Date.now() < deadline) {
      bar.set(watcher.tracker.summary().final)
      await sleep(500)
    }
    const final = watcher.tracker.summary()
    bar.set(final.final)
    bar.finish()
    const calls = [...proxy.calls()]
    const stats = proxy.stats()
    await cluster.stop()
    clean = true
    const check = await walletCheck(wallet, funded, amounts, submitted.startedAt)
    return { kind: "gateway", account: funded.account, address: funded.address, workload: submitted, calls, stats, check, final, readyMs: cluster.readyMs, processes: { consumers: cluster.consumers.length, producers: cluster.producers.length } }
  } finally {
    await watcher.stop().catch(() => undefined)
    if (!clean) cluster.kill()
    await run.finish({ keepDir: !clean })
    if (!clean) io.err(`paper: the run's configs and gateway logs are kept in ${run.dir}`)
  }
}

/** The reference: the same workers sending sendfrom straight to the wallet, through `proxy` (loopback) so the node's concurrency is counted. */
export const directPass = async (options: Options, io: BenchIo, wallet: BitcoinEndpoint, proxy: CountingProxy): Promise<Pass> => {
  const total = options.producers * options.workers * options.requests
  const funded = await fundFreshAccount(wallet, accountName("direct"), options.fundBtc, 60_000)
  io.err(`paper: direct pass: account ${funded.account} funded with ${options.fundBtc} BTC; ${options.producers * options.workers} workers x ${options.requests} sendfrom straight to the wallet`)
  const amounts = distinctAmounts(options.amount, total)
  const viaProxy: BitcoinEndpoint = { ...wallet, name: "btc-1-direct", url: proxy.url }
  proxy.reset()
  const workload = await runWorkers({
    workers: options.producers * options.workers,
    perWorker: options.requests,
    label: "paper direct",
    progress: io.progress,
    call: async ({ worker, index }) => {
      const amount = Number(amounts[worker * options.requests + index] ?? "0")
      const r = await Effect.runPromise(Effect.result(bitcoinCall(viaProxy, "sendfrom", [funded.account, funded.address, amount, 0])))
      return Result.isSuccess(r) ? { ok: true } : { ok: false, detail: `${r.failure._tag}: ${r.failure.detail}` }
    },
  })
  const calls = [...proxy.calls()]
  const stats = proxy.stats()
  // The last sends must reach the wallet's list before it is read.
  await sleep(1000)
  const check = await walletCheck(wallet, funded, amounts, workload.startedAt)
  return { kind: "direct", account: funded.account, address: funded.address, workload, calls, stats, check }
}

/** Writes the cumulative-deliveries chart to `--timeline-svg` and builds the report (on loopback and in the lab alike). */
export const reportPasses = async (options: Options, io: BenchIo, input: PaperInput): Promise<BenchReport> => {
  const path = resolve(options.timelineSvg)
  await mkdir(dirname(path), { recursive: true })
  await Bun.write(path, renderChart(paperTimeline(input)))
  io.err(`paper: cumulative-deliveries chart: ${path}`)
  return paperReport(input)
}

/** Runs the chosen passes and builds the report. */
export const runPaper = async (options: Options, io: BenchIo): Promise<BenchReport> => {
  const local = await loadBaseConfig(options.local)
  const layout = await loadBaseConfig(options.config)
  const apiKey = apiKeyFrom(local, io.env)
  const wallet = walletEndpoint(local, io.env)
  const maxInFlight = layout.nodes.find((n) => n.chain === "bitcoin")?.max_in_flight ?? 1
  // A transaction the gateway broadcasts again is told from a new one by its params.
  const proxy = startCountingProxy(wallet.url, { timeoutMs: wallet.timeoutMs * 3, keyParamsOf: ["sendrawtransaction"] })
  const workDir = mkdtempSync(join(tmpdir(), "gateway-bench-paper-"))
  io.err(`paper: counting proxy ${proxy.url} in front of the wallet at ${wallet.url}`)
  try {
    const gateway = options.passes.includes("gateway") ? await gatewayPass(options, io, local, wallet, proxy, apiKey, workDir) : undefined
    const direct = options.passes.includes("direct") ? await directPass(options, io, wallet, proxy) : undefined
    if (gateway === undefined && direct === undefined) throw new BenchFailed({ reason: "no pass chosen; give --passes gateway,direct" })
    return await reportPasses(options, io, { ...(gateway === undefined ? {} : { gateway }), ...(direct === undefined ? {} : { direct }), total: options.producers * options.workers * options.requests, maxInFlight })
  } finally {
    await proxy.stop().catch(() => undefined)
    rmSync(workDir, { recursive: true, force: true })
  }
}
