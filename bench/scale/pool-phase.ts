/**
 * One scale phase: a real gateway (producer and consumer roles, an isolated
 * copy of the config whose Ethereum pool is the given nodes, reached
 * through counting proxies) is handed the phase's fresh signing keys, all
 * requests are submitted as batches, and the phase waits until every
 * accepted request is final in the run's results topic. The gateway is
 * always stopped and its topics deleted, also on failure.
 */
import { BenchFailed, type BenchIo } from "../lib/bench-definition.ts"
import { metricSum, prepareRun, warningsOf } from "../lib/gateway-under-test.ts"
import { waitWithProgress } from "../lib/progress.ts"
import type { TrackerSummary } from "../lib/status-tracker.ts"
import { withWatchedGateway } from "../lib/watched-gateway.ts"
import { failureDetail, type IntakeTarget, postJson } from "../intake/intake-client.ts"
import type { CountingProxy, ProxyStats } from "../paper/counting-proxy.ts"
import { poolNodeNames, writePoolConfig } from "./pool-config.ts"

/** What one phase runs. */
export interface PoolPhaseOptions {
  /** `1 node`, `3 nodes`: for progress lines. */
  readonly label: string
  /** The user's base config. */
  readonly configPath: string
  /** Where the phase's pool config is written. */
  readonly workDir: string
  /** One proxy per node of the pool, in front of that node. */
  readonly proxies: ReadonlyArray<CountingProxy>
  readonly chainId: number
  readonly apiKey: string
  /** The signing keys the gateway gets (comma-joined into the config's keystore variable). */
  readonly keys: ReadonlyArray<string>
  readonly bodies: ReadonlyArray<unknown>
  readonly batchSize: number
  readonly readyTimeoutMs: number
  readonly finalTimeoutMs: number
}

/** What one phase measured, from the gateway's side. */
export interface PoolPhaseResult {
  readonly nodes: number
  readonly accepted: number
  readonly rejectedBatches: ReadonlyArray<string>
  /** Epoch ms: first batch sent, last batch answered, the wait for final statuses ended. */
  readonly submitFrom: number
  readonly submitTo: number
  readonly waitedTo: number
  readonly final: TrackerSummary
  /** Distinct requests confirmed per second, first batch sent to last final; null when not measurable. */
  readonly confirmRatePerSec: number | null
  /** `gateway_node_calls` per node at the end (the gateway's own count of calls it sent). */
  readonly gatewayCalls: Readonly<Record<string, number>>
  /** Requests the consumer put back for a retry. */
  readonly retries: number
  /** The proxies' view of each node during the phase. */
  readonly proxies: Readonly<Record<string, ProxyStats>>
  /** Per node, the signed transactions whose first broadcast went there: how the pool spread the work. */
  readonly firstBroadcasts: Readonly<Record<string, number>>
  /** Broadcasts of a transaction already broadcast once (to any node). */
  readonly rebroadcasts: number
  /** Warn and error log events of the gateway, by name. */
  readonly warnings: Readonly<Record<string, number>>
  readonly readyMs: number
}

/** Where each signed transaction was first broadcast, and how many broadcasts repeated one. */
export const broadcastSpread = (proxies: ReadonlyArray<Pick<CountingProxy, "calls">>, names: ReadonlyArray<string>) => {
  const sends = proxies.flatMap((p, i) =>
    p.calls().filter((c) => c.method === "eth_sendRawTransaction" && c.paramsKey !== undefined).map((c) => ({ node: names[i] ?? String(i), at: c.startMs, key: c.paramsKey ?? "" })),
  )
  const first = new Map<string, { node: string; at: number }>()
  for (const s of sends) {
    const seen = first.get(s.key)
    if (seen === undefined || s.at < seen.at) first.set(s.key, { node: s.node, at: s.at })
  }
  const firstBroadcasts: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]))
  for (const f of first.values()) firstBroadcasts[f.node] = (firstBroadcasts[f.node] ?? 0) + 1
  return { firstBroadcasts, rebroadcasts: sends.length - first.size }
}

/** Runs one phase and always stops its gateway and deletes its topics. */
export const runPoolPhase = async (options: PoolPhaseOptions, io: BenchIo): Promise<PoolPhaseResult> => {
  const names = poolNodeNames(options.proxies.length)
  const configPath = await writePoolConfig(options.configPath, options.proxies.map((p) => p.url), options.chainId, options.workDir)
  const run = await prepareRun({ bench: `scale-${names.length}`, configPath, hostNodes: names })
  const pass = {
    run,
    env: { [run.config.chains.ethereum.keystore_env]: options.keys.join(",") },
    readyTimeoutMs: options.readyTimeoutMs,
    label: `scale: ${options.label}`,
    nodes: `pool ${names.join(", ")}`,
  }
  return withWatchedGateway(pass, io, async ({ gateway, watcher, readyMs }) => {
    for (const p of options.proxies) p.reset()
    const target: IntakeTarget = { baseUrl: run.intakeUrl, apiKey: options.apiKey, timeoutMs: 60_000 }
    const submitFrom = Date.now()
    let accepted = 0
    const rejected: Array<string> = []
    for (let i = 0; i < options.bodies.length; i += options.batchSize) {
      const chunk = options.bodies.slice(i, i + options.batchSize)
      const answer = await postJson(target, "/v1/batches", JSON.stringify({ requests: chunk }))
      if (answer.status === 202) accepted += chunk.length
      else rejected.push(`HTTP ${answer.status} ${failureDetail(answer)}`)
    }
    const submitTo = Date.now()
    if (accepted === 0) throw new BenchFailed({ reason: `${options.label}: the intake accepted no batch (${rejected.slice(0, 3).join("; ")}); check the gateway log and that Kafka is up (npm run stack -- status)` })
    await waitWithProgress(`scale ${options.label} final`, accepted, () => watcher.tracker.summary().final, options.finalTimeoutMs, io.progress)
    const final = watcher.tracker.summary()
    const waitedTo = Date.now()
    const samples = await gateway.metrics().catch(() => [])
    const confirmed = final.byStatus.confirmed ?? 0
    // From the client's first submission: the intake no longer writes `accepted` records to the results topic.
    const span = final.lastFinalAt === null ? 0 : final.lastFinalAt - submitFrom
    return {
      nodes: names.length,
      accepted,
      rejectedBatches: rejected,
      submitFrom,
      submitTo,
      waitedTo,
      final,
      confirmRatePerSec: span > 0 ? (confirmed * 1000) / span : null,
      gatewayCalls: Object.fromEntries(names.map((n) => [n, metricSum(samples, "gateway_node_calls", { node: n })])),
      retries: metricSum(samples, "gateway_consumer_outcomes_total", { outcome: "retry" }),
      proxies: Object.fromEntries(options.proxies.map((p, i) => [names[i] ?? p.url, p.stats()])),
      ...broadcastSpread(options.proxies, names),
      warnings: warningsOf(gateway.lines),
      readyMs,
    }
  })
}
