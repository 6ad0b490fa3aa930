/**
 * The node-direct run: for each chain, prepare one call (untimed), climb the
 * concurrency ladder, and report each step's rate against concurrency 1,
 * with a rate-per-concurrency chart for both chains.
 */
import { textTable } from "../../src/cli/text-table.ts"
import { BenchFailed, type BenchIo } from "../lib/bench-definition.ts"
import type { OptionsOf } from "../lib/bench-flags.ts"
import { bestConcurrency, directStepJson, type LadderResult } from "../lib/direct-node.ts"
import { type PreparedCall, prepareBitcoinTransfer, prepareEthereumTransfer } from "../lib/node-calls.ts"
import type { BenchReport, Comparison, Figure, JsonValue } from "../lib/results.ts"
import type { NODE_DIRECT_FLAGS } from "./index.ts"

type Options = OptionsOf<typeof NODE_DIRECT_FLAGS>

/** One chain's ladder and what each call was. */
interface ChainRun {
  readonly chain: string
  readonly call: string
  readonly ladder: LadderResult
}

const prepare = async (chain: string, options: Options, io: BenchIo): Promise<PreparedCall> => {
  if (chain === "ethereum") {
    return prepareEthereumTransfer({
      endpoint: { name: "eth-direct", url: options.ethUrl, chainId: options.ethChainId, pollingIntervalMs: 250 },
      senders: options.ethSenders === "dev" ? { kind: "dev", first: options.ethFirstAccount } : { kind: "fresh" },
      workers: Math.max(...options.ladder),
    })
  }
  const password = io.env[options.btcPasswordEnv]
  if (password === undefined || password === "") {
    throw new BenchFailed({
      reason: `${options.btcPasswordEnv} is not set; source .run/stack.env (the local stack writes the wallet password there), pass --btc-password-env NAME, or leave Bitcoin out with --chains ethereum`,
    })
  }
  return prepareBitcoinTransfer({
    endpoint: { name: "btc-direct", url: options.btcUrl, user: options.btcUser, password, timeoutMs: options.timeoutMs },
    amount: options.btcAmount,
    method: options.btcMethod === "sendtoaddress" ? "sendtoaddress" : "sendfrom",
    account: options.btcAccount,
  })
}

const settle = (ms: number) => () => new Promise<void>((resolve) => setTimeout(resolve, ms))

const stepTable = (runs: ReadonlyArray<ChainRun>): ReadonlyArray<string> =>
  textTable(
    ["CHAIN", "CONC", "CALLS", "OK", "FAILED", "RATE/S", "P50 MS", "P99 MS", "PEAK", "FAILURES"],
    runs.flatMap((run) =>
      run.ladder.steps.map((s) => [
        run.chain,
        String(s.concurrency),
        String(s.attempted),
        String(s.succeeded),
        String(s.failed),
        s.ratePerSec.toFixed(1),
        s.latencyMs === null ? "-" : s.latencyMs.p50.toFixed(1),
        s.latencyMs === null ? "-" : s.latencyMs.p99.toFixed(1),
        String(s.peakInFlight),
        s.failures.map((f) => `${f.count}x ${f.tag}: ${f.detail}`).join("; ") || "-",
      ]),
    ),
  )

/** The report: a figure per step, each rate against concurrency 1, and the rate chart. */
export const nodeDirectReport = (runs: ReadonlyArray<ChainRun>, ladder: ReadonlyArray<number>): BenchReport => {
  const figures: Array<Figure> = []
  const comparisons: Array<Comparison> = []
  for (const run of runs) {
    const base = run.ladder.steps[0]
    for (const s of run.ladder.steps) {
      figures.push({ name: `${run.chain} rate at c=${s.concurrency}`, unit: "calls/s", value: s.ratePerSec })
      if (s.latencyMs !== null) figures.push({ name: `${run.chain} p99 at c=${s.concurrency}`, unit: "ms", value: s.latencyMs.p99 })
      figures.push({ name: `${run.chain} failures at c=${s.concurrency}`, unit: "calls", value: s.failed })
      comparisons.push({
        measure: `${run.chain} rate at c=${s.concurrency}`,
        unit: "calls/s",
        value: s.ratePerSec,
        reference: base?.ratePerSec ?? null,
        referenceName: `c=${base?.concurrency ?? "?"}`,
      })
    }
    figures.push({ name: `${run.chain} best concurrency`, unit: "", value: run.ladder.best.concurrency })
    figures.push({ name: `${run.chain} best rate`, unit: "calls/s", value: run.ladder.best.ratePerSec })
  }
  return {
    figures,
    comparisons,
    chart: {
      kind: "line",
      title: "Nodes driven directly: rate per concurrency",
      xLabel: "concurrent callers",
      yLabel: "successful calls/s",
      xTicks: ladder,
      labelPoints: true,
      series: runs.map((run) => ({ name: run.chain, points: run.ladder.steps.map((s): readonly [number, number] => [s.concurrency, s.ratePerSec]) })),
    },
    details: Object.fromEntries(
      runs.map((run): [string, JsonValue] => [run.chain, { call: run.call, bestConcurrency: run.ladder.best.concurrency, steps: run.ladder.steps.map(directStepJson) }]),
    ),
  }
}

/** Runs the ladder on each chosen chain, one chain after the other. */
export const runNodeDirect = async (options: Options, io: BenchIo): Promise<BenchReport> => {
  const runs: Array<ChainRun> = []
  for (const chain of options.chains) {
    const prepared = await prepare(chain, options, io)
    try {
      io.err(`node-direct: ${chain}: ${prepared.describe}`)
      const ladder = await bestConcurrency({
        ladder: options.ladder,
        callsPerStep: options.callsPerStep,
        call: prepared.call,
        label: chain,
        progress: io.progress,
        betweenSteps: settle(options.settleMs),
      })
      runs.push({ chain, call: prepared.describe, ladder })
    } finally {
      await prepared.close()
    }
  }
  for (const line of stepTable(runs)) io.out(line)
  return nodeDirectReport(runs, options.ladder)
}
