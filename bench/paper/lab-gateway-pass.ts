/**
 * The gateway pass of `gateway bench paper --lab`, on a lab that is up: a fresh funded
 * account; 5 × 10 workers each POSTing 20 sendfrom requests to their producer host's
 * intake, every request under its own Idempotency-Key and retried with that key until
 * acknowledged (keyed-retry.ts); the cut of one host, armed by the first POST; a wait
 * until every acknowledged request is final on the results topic (read from the lab's
 * brokers) and the link is back; then the wallet's own list, per request.
 */
import type { BitcoinEndpoint } from "../../src/adapters/bitcoin-rpc.ts"
import type { GatewayConfig } from "../../src/config/gateway-config.ts"
import type { BenchIo } from "../lib/bench-definition.ts"
import type { OptionsOf } from "../lib/bench-flags.ts"
import { startProgress } from "../lib/progress.ts"
import { watchResults } from "../lib/results-watcher.ts"
import { postJson } from "../intake/intake-client.ts"
import type { CountingProxy } from "./counting-proxy.ts"
import { type CutTarget, scheduleCut } from "./host-cut.ts"
import type { PAPER_FLAGS } from "./index.ts"
import { type KeyedOutcome, LAB_RETRY, postUntilAcknowledged } from "./keyed-retry.ts"
import type { LabIntake } from "./lab-layout.ts"
import { hostsWithRole } from "./layout.ts"
import type { GatewayPass } from "./report.ts"
import { accountName } from "./run.ts"
import { checkPayments, distinctAmounts, fundFreshAccount, paymentsTo, timesPaid } from "./wallet.ts"
import { runWorkers } from "./workers.ts"

type Options = OptionsOf<typeof PAPER_FLAGS>

/** One attempt's wait: the intake answers within its accept timeout (10 s in paper.toml) even while Kafka is short of a broker; the rest is room. */
const ATTEMPT_TIMEOUT_MS = 20_000

/**
 * After the last acknowledged request is final and the link is back, the wallet is given
 * this long before its list is read, so a payment the cut-off host's consumer made late
 * (the duplicate this pass is looking for) is in the list.
 */
const SETTLE_AFTER_CUT_MS = 10_000

/** What the pass needs from the lab run. */
export interface LabPassContext {
  readonly config: GatewayConfig
  /** The wallet as the root namespace reaches it (setup and the final check, never counted). */
  readonly wallet: BitcoinEndpoint
  /** In front of the wallet for the lab's consumers. */
  readonly proxy: CountingProxy
  readonly intakes: ReadonlyArray<LabIntake>
  readonly apiKey: string
  readonly cutTarget: CutTarget | undefined
  /** How long the lab took to come up (every gateway ready). */
  readonly readyMs: number
}

/** Runs the pass; the cut is restored and the watcher stopped whatever happens. */
export const labGatewayPass = async (options: Options, io: BenchIo, ctx: LabPassContext): Promise<GatewayPass> => {
  const say = (line: string) => io.err(`paper lab: ${line}`)
  const total = options.producers * options.workers * options.requests
  const run = Date.now().toString(36)
  const funded = await fundFreshAccount(ctx.wallet, accountName("gw-lab"), options.fundBtc, 60_000)
  const amounts = distinctAmounts(options.amount, total)
  const topic = ctx.config.kafka.topics.results
  say(`gateway pass: account ${funded.account} funded with ${options.fundBtc} BTC; paying ${funded.address}; results from ${topic} on ${ctx.config.kafka.brokers.join(", ")}`)
  const watcher = watchResults(ctx.config.kafka.brokers, topic, `paper-lab-watch-${run}`)
  const outcomes: Array<KeyedOutcome | undefined> = Array.from({ length: total }, () => undefined)
  const acknowledgedSoFar = () => outcomes.filter((o) => o?.acknowledged === true).length
  let atCut: { readonly acknowledged: number; readonly final: number } | undefined
  const cut = scheduleCut(ctx.cutTarget, options.cutAfterS * 1000, options.cutS * 1000, {
    say,
    onChange: (state) => {
      if (state === "down") atCut = { acknowledged: acknowledgedSoFar(), final: watcher.tracker.summary().final }
    },
  })
  const policy = { ...LAB_RETRY, deadlineMs: options.requestDeadlineS * 1000 }
  try {
    await watcher.started
    ctx.proxy.reset()
    const submitted = await runWorkers({
      workers: options.producers * options.workers,
      perWorker: options.requests,
      label: "paper lab submit",
      progress: io.progress,
      call: async ({ worker, index }) => {
        const intake = ctx.intakes[Math.floor(worker / options.workers)]
        const i = worker * options.requests + index
        const body = JSON.stringify({ chain: "bitcoin", method: "sendfrom", params: { account: funded.account, address: funded.address, amount: amounts[i] ?? "0" } })
        const target = { baseUrl: intake?.url ?? "", apiKey: ctx.apiKey, timeoutMs: ATTEMPT_TIMEOUT_MS }
        cut.arm()
        const outcome = await postUntilAcknowledged((key) => postJson(target, "/v1/requests", body, { "idempotency-key": key }), `paper-${run}-${worker}-${index}`, policy)
        outcomes[i] = outcome
        return outcome.acknowledged ? { ok: true } : { ok: false, detail: outcome.detail ?? "not acknowledged" }
      },
    })
    const acknowledged = acknowledgedSoFar()
    const window = cut.window()
    if (ctx.cutTarget !== undefined && (window === undefined || window.startedAt > submitted.finishedAt)) {
      say(`every request was answered before the cut began: the clients saw none of it (only the consumers and brokers did)`)
    }
    const bar = startProgress({ label: "paper lab final", total: acknowledged, sink: io.progress })
    const deadline = Date.now() + options.finalTimeoutS * 1000
    while (watcher.tracker.summary().final < acknowledged && Date.now() < deadline) {
      bar.set(watcher.tracker.summary().final)
      await Bun.sleep(500)
    }
    bar.finish()
    await cut.over()
    if (ctx.cutTarget !== undefined) await Bun.sleep(SETTLE_AFTER_CUT_MS)
    const final = watcher.tracker.summary()
    const calls = [...ctx.proxy.calls()]
    const stats = ctx.proxy.stats()
    const payments = await paymentsTo(ctx.wallet, funded.address, Math.floor(submitted.startedAt / 1000) - 60)
    const check = checkPayments(amounts, payments, [funded.fundingTxid])
    const cutPlan = ctx.cutTarget === undefined ? undefined : { ...ctx.cutTarget, afterS: options.cutAfterS, forS: options.cutS }
    const cutWindow = cut.window()
    return {
      kind: "gateway",
      account: funded.account,
      address: funded.address,
      workload: submitted,
      calls,
      stats,
      check,
      final,
      readyMs: ctx.readyMs,
      processes: { consumers: hostsWithRole(ctx.config, "consumer").length, producers: ctx.intakes.length },
      lab: {
        ...(cutPlan === undefined ? {} : { cutPlan }),
        ...(cutWindow === undefined ? {} : { window: cutWindow }),
        ...(atCut === undefined ? {} : { atCut }),
        // Every worker stored its outcome before runWorkers resolved; a hole would be a bug, counted as never acknowledged.
        outcomes: outcomes.map((o, i) => o ?? { key: `paper-${run}-missing-${i}`, acknowledged: false, attempts: [] }),
        amounts,
        timesPaid: timesPaid(amounts, payments, [funded.fundingTxid]).times,
        policy,
      },
    }
  } finally {
    cut.restore()
    await watcher.stop().catch(() => undefined)
  }
}
