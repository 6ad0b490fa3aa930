/**
 * One pass of requests through a real gateway into one node: an isolated
 * run (own topics, group and port; the host limited to that node), a
 * gateway with the producer and consumer roles, the run's results topic
 * watched from the side, the requests submitted in batches as fast as the
 * intake takes them, then a wait until every accepted request has reached
 * the node and, within a generous bound, become final. The gateway's
 * metrics are sampled throughout; its warnings are counted from its log.
 */
import type { BenchIo } from "../lib/bench-definition.ts"
import { metricSum, type MetricSample, type NodeOverride, prepareRun, warningsOf } from "../lib/gateway-under-test.ts"
import { loopDelayBetween, type LoopDelayWindow } from "../lib/loop-delay.ts"
import { cpuMeter, type CpuWindow, ownCpuSeconds, stackGroups } from "../lib/process-cpu.ts"
import { endToEndRate, type RequestTimes, type TrackerSummary } from "../lib/status-tracker.ts"
import { waitReachedThenFinal, withWatchedGateway } from "../lib/watched-gateway.ts"
import { type IntakeTarget, type SubmittedBurst, submitBatches } from "../intake/intake-client.ts"
import type { LoadResult } from "../intake/load.ts"

/** What one pass is. */
export interface PhaseOptions {
  /** Short name in topic names and progress labels, e.g. `drain-eth`. */
  readonly name: string
  readonly configPath: string
  /** The one node the gateway may use. */
  readonly node: string
  readonly nodeOverride: NodeOverride
  /** Keys of `[chains.bitcoin]` for the pass (e.g. its batching account). */
  readonly bitcoin?: Readonly<Record<string, string | number | readonly string[]>>
  /** Keys of `[kafka.consumer]` for the pass (e.g. its transaction interval). */
  readonly consumer?: Readonly<Record<string, number>>
  readonly apiKey: string
  /** Added to the environment of the gateway (e.g. its signing keys). */
  readonly env: Readonly<Record<string, string>>
  readonly bodies: ReadonlyArray<unknown>
  readonly batchSize: number
  readonly batchClients: number
  readonly readyTimeoutMs: number
  /** How long after the last accepted request every one must have reached the node. */
  readonly reachTimeoutMs: number
  /** How long after that every one must be final (confirmed, failed or DLQ). */
  readonly finalTimeoutMs: number
  /** Runs after the gateway is ready and before the first submission (e.g. an idle probe window). */
  readonly beforeSubmit?: () => Promise<void>
  /** How the requests are submitted; by default `bodies` in batches of `batchSize` from `batchClients` clients, as fast as the intake takes them. */
  readonly submit?: (target: IntakeTarget) => Promise<SubmittedBurst>
  /** Measure the CPU each process of the path used from the first submission until every request reached the node (the drain's window). */
  readonly meterCpu?: boolean
}

/** The gateway's own view of the node during the pass. */
export interface GatewayNodeView {
  /** Samples `[epoch ms, in-flight]` of gateway_node_in_flight (refreshed by its 2 s health probe). */
  readonly inFlight: ReadonlyArray<readonly [number, number]>
  readonly peakInFlight: number
  readonly calls: number
  /** Round trips those calls took (gateway_node_requests): a JSON-RPC batch carries several calls in one. */
  readonly requests: number
  /** Requests the consumer put back for a retry (gateway_consumer_outcomes_total{outcome="retry"}). */
  readonly retries: number
  /** Kafka transactions the partition executors committed (gateway_partition_transactions_total), and the records in them. */
  readonly transactions: number
  readonly recordsCommitted: number
  readonly breakerOpenSeen: boolean
  /** Warn and error log events, by name. */
  readonly warnings: Readonly<Record<string, number>>
}

/** How long the gateway's loop is watched idle, after ready and before the submission. */
const idleLoopMs = 1_000

/** What one pass measured. */
export interface PhaseResult {
  readonly submit: LoadResult
  /** Epoch ms of the first submission and of the last 202. */
  readonly submitFrom: number
  readonly submitTo: number
  readonly accepted: number
  /**
   * Epoch ms of the first acceptance: the earliest `accepted` record when the
   * gateway publishes them, else the first 202 the submitters received.
   */
  readonly firstAcceptedAt: number | null
  /** When every accepted request had reached the node (or the wait gave up). */
  readonly reached: TrackerSummary
  /** After the wait for final statuses. */
  readonly final: TrackerSummary
  readonly e2eRatePerSec: number | null
  /** Requests per second from the first accepted to the last confirmed. */
  readonly confirmRatePerSec: number | null
  readonly reachedTimes: ReadonlyArray<number>
  /** Each request of the run as its records tell it, by id. */
  readonly requestTimes: ReadonlyMap<string, RequestTimes>
  readonly gateway: GatewayNodeView
  readonly readyMs: number
  /** CPU seconds by process group (gateway, kafka, anvil, bench) from the first submission until every request reached the node, when asked for. */
  readonly cpu?: CpuWindow
  /** The gateway's event-loop delay idle (the second before the submission) and through the same window as `cpu`. */
  readonly loopDelay?: { readonly idle: LoopDelayWindow; readonly through: LoopDelayWindow }
}

/** Runs one pass and always stops its gateway and deletes its topics. */
export const runGatewayPhase = async (options: PhaseOptions, io: BenchIo): Promise<PhaseResult> => {
  const run = await prepareRun({ bench: options.name, configPath: options.configPath, hostNodes: [options.node], nodes: { [options.node]: options.nodeOverride }, ...(options.bitcoin === undefined ? {} : { bitcoin: options.bitcoin }), ...(options.consumer === undefined ? {} : { consumer: options.consumer }) })
  const pass = { run, env: options.env, readyTimeoutMs: options.readyTimeoutMs, label: options.name, nodes: `node ${options.node} only` }
  return withWatchedGateway(pass, io, async ({ gateway, watcher, readyMs, keepLogs }) => {
    const inFlight: Array<readonly [number, number]> = []
    let last: ReadonlyArray<MetricSample> = []
    let breakerOpenSeen = false
    const scrape = async () => {
      const samples = await gateway.metrics().catch(() => undefined)
      if (samples === undefined) return
      last = samples
      inFlight.push([Date.now(), metricSum(samples, "gateway_node_in_flight", { node: options.node })])
      if (metricSum(samples, "gateway_node_breaker_open", { node: options.node }) > 0) breakerOpenSeen = true
    }
    const scraper = setInterval(() => void scrape(), 250)
    try {
      await options.beforeSubmit?.()
      const target: IntakeTarget = { baseUrl: run.intakeUrl, apiKey: options.apiKey }
      const burst = { batchSize: options.batchSize, clients: options.batchClients, label: `${options.name} submit`, progress: io.progress }
      const meter = options.meterCpu === true ? cpuMeter(stackGroups(), { gateway: () => gateway.cpuSeconds() ?? 0, bench: ownCpuSeconds }) : undefined
      // The loop's idle second is the reference its delay through the pass is read against.
      const idleFrom = await gateway.metrics().catch(() => undefined)
      await Bun.sleep(idleLoopMs)
      const idleTo = await gateway.metrics().catch(() => undefined)
      meter?.start()
      const { submit, submitFrom, submitTo } = await (options.submit?.(target) ?? submitBatches(target, options.bodies, burst))
      const accepted = submit.okItems
      let cpu: CpuWindow | undefined
      let throughTo: Promise<ReadonlyArray<MetricSample> | undefined> = Promise.resolve(undefined)
      const { reached, final } = await waitReachedThenFinal(watcher, accepted, options, options.name, io, () => {
        cpu = meter?.stop()
        throughTo = gateway.metrics().catch(() => undefined)
      })
      const idle = idleFrom === undefined || idleTo === undefined ? undefined : loopDelayBetween(idleFrom, idleTo)
      const throughSamples = await throughTo
      const through = idleTo === undefined || throughSamples === undefined ? undefined : loopDelayBetween(idleTo, throughSamples)
      if (final.final < accepted) keepLogs(`${accepted - final.final} of ${accepted} requests not final`)
      const first202 = submit.timeline.length === 0 ? null : submitFrom + Math.min(...submit.timeline.map(([t]) => t))
      const firstAcceptedAt = reached.firstAcceptedAt ?? first202
      await scrape()
      return {
        submit,
        submitFrom,
        submitTo,
        accepted,
        firstAcceptedAt,
        reached,
        final,
        e2eRatePerSec: endToEndRate(reached, firstAcceptedAt),
        confirmRatePerSec:
          firstAcceptedAt === null || final.lastFinalAt === null || final.lastFinalAt <= firstAcceptedAt
            ? null
            : ((final.byStatus.confirmed ?? 0) * 1000) / (final.lastFinalAt - firstAcceptedAt),
        reachedTimes: [...watcher.tracker.reachedTimes()],
        requestTimes: watcher.tracker.requestTimes(),
        gateway: {
          inFlight,
          peakInFlight: metricSum(last, "gateway_node_in_flight_peak", { node: options.node }),
          calls: metricSum(last, "gateway_node_calls", { node: options.node }),
          requests: metricSum(last, "gateway_node_requests", { node: options.node }),
          retries: metricSum(last, "gateway_consumer_outcomes_total", { outcome: "retry" }),
          transactions: metricSum(last, "gateway_partition_transactions_total", {}),
          recordsCommitted: metricSum(last, "gateway_partition_records_committed_total", {}),
          breakerOpenSeen,
          warnings: warningsOf(gateway.lines),
        },
        readyMs,
        ...(cpu === undefined ? {} : { cpu }),
        ...(idle === undefined || through === undefined ? {} : { loopDelay: { idle, through } }),
      }
    } finally {
      clearInterval(scraper)
    }
  })
}
