/**
 * The intake run: measure the reference first (ProducerPerformance on a
 * throwaway topic, while no gateway competes for the brokers), then start a
 * producer-only gateway on an isolated copy of the config and load it in
 * three phases: closed-loop single calls, closed-loop batches, and an open
 * loop at half the single rate. Memory is sampled throughout; at the end the
 * sendto topic is counted against what the clients saw accepted.
 */
import { loadavg } from "node:os"
import { Result } from "effect"
import type { GatewayConfig } from "../../src/config/gateway-config.ts"
import { loadConfig } from "../../src/config/load-config.ts"
import { fillStatusStore } from "./store-fill.ts"
import { BenchFailed, type BenchIo } from "../lib/bench-definition.ts"
import type { OptionsOf } from "../lib/bench-flags.ts"
import { deleteBenchTopic, ensureBenchTopic } from "../lib/bench-topic.ts"
import { type GatewayUnderTest, metricSum, prepareRun, sampleMemory, startGateway, startTimeline, topicRecordCount } from "../lib/gateway-under-test.ts"
import { type ProducerPerfResult, resolveKafkaLib, runProducerPerformance } from "../lib/kafka-producer-perf.ts"
import { loopDelayBetween } from "../lib/loop-delay.ts"
import type { BenchReport } from "../lib/results.ts"
import type { INTAKE_FLAGS } from "./index.ts"
import { firstApiKey, type IntakeTarget, repeatPost } from "./intake-client.ts"
import { closedLoop, type LoadResult, pacedLoad } from "./load.ts"
import { recordSizes, sendToAddressBody } from "./record-size.ts"
import { walletAddress, walletEndpoint } from "./wallet-address.ts"
import { intakeReport, type PhaseCpu } from "./report.ts"

type Options = OptionsOf<typeof INTAKE_FLAGS>

/** No consumer runs, so the backlog only grows; the breaker must not shed the bench's own load. */
const NO_BREAKER = 2_000_000_000

/** Loads and checks the base config, or says how to fix it. */
export const loadBaseConfig = async (path: string): Promise<GatewayConfig> => {
  const loaded = await loadConfig(path)
  if (Result.isFailure(loaded)) throw new BenchFailed({ reason: `${loaded.failure.lines().join("; ")}; ${loaded.failure.summary()}` })
  return loaded.success
}

/** The first key of the variable the config names for API keys. */
export const apiKeyFrom = (config: GatewayConfig, env: Readonly<Record<string, string | undefined>>): string => {
  const key = firstApiKey(env[config.intake.api_keys_env])
  if (key === undefined) throw new BenchFailed({ reason: `${config.intake.api_keys_env} is not set; source .run/stack.env (the local stack writes the API keys there)` })
  return key
}

/** One ProducerPerformance run on `topic`: `records` of `recordSize` bytes, acks=all, at `throughput` records/s (-1: flat out). */
const producerPerf = (config: GatewayConfig, topic: string, recordSize: number, records: number, throughput: number, options: Options, io: BenchIo): Promise<ProducerPerfResult> => {
  const pace = throughput > 0 ? `at ${throughput} records/s` : "flat out"
  io.err(`intake: ProducerPerformance, ${records} records of ${recordSize} bytes ${pace}, acks=all, linger.ms=${config.kafka.producer.linger_ms}, topic ${topic}`)
  return runProducerPerformance({
    bootstrap: config.kafka.brokers,
    topic,
    recordSize,
    numRecords: records,
    throughput,
    lingerMs: config.kafka.producer.linger_ms,
    extraProps: { "enable.idempotence": "true" },
    kafkaLib: resolveKafkaLib(options.kafkaLib, io.env),
    progress: io.progress,
  }).catch((error: unknown) => {
    throw new BenchFailed({ reason: error instanceof Error ? error.message : String(error) })
  })
}

/** Runs `phase` and reports the CPU the gateway and this bench used meanwhile, in % of one core, and how late the gateway's loop ran. */
const withCpu = async <A>(gateway: GatewayUnderTest, phase: () => Promise<A>): Promise<{ readonly result: A; readonly cpu: PhaseCpu }> => {
  const loopBefore = await gateway.metrics().catch(() => undefined)
  const gatewayBefore = gateway.cpuSeconds() ?? 0
  const benchBefore = process.cpuUsage()
  const started = performance.now()
  const result = await phase()
  const seconds = (performance.now() - started) / 1000
  const bench = process.cpuUsage(benchBefore)
  const percent = (cpuSeconds: number) => Math.round((1000 * cpuSeconds) / seconds) / 10
  const gatewayPercent = percent((gateway.cpuSeconds() ?? gatewayBefore) - gatewayBefore)
  const loopAfter = await gateway.metrics().catch(() => undefined)
  const loop = loopBefore === undefined || loopAfter === undefined ? undefined : loopDelayBetween(loopBefore, loopAfter)
  return { result, cpu: { gateway: gatewayPercent, bench: percent((bench.user + bench.system) / 1e6), ...(loop === undefined ? {} : { loopP99Ms: loop.p99Ms }) } }
}

const requireAccepted = (phase: string, r: LoadResult): void => {
  if (r.okCalls > 0) return
  const why = r.failures.map((f) => `${f.count}x HTTP ${f.status} ${f.detail}`).join("; ")
  throw new BenchFailed({ reason: `${phase}: no call was accepted (${why}); check the gateway log and that Kafka is up (npm run stack -- status)` })
}

/** Runs the whole bench. */
export const runIntake = async (options: Options, io: BenchIo): Promise<BenchReport> => {
  const loadAtStart = loadavg()
  const config = await loadBaseConfig(options.config)
  if (options.batchSize > config.intake.max_batch_items) {
    throw new BenchFailed({ reason: `--batch-size ${options.batchSize} is above the config's [intake].max_batch_items (${config.intake.max_batch_items}); use a smaller --batch-size` })
  }
  const apiKey = apiKeyFrom(config, io.env)
  const body = sendToAddressBody(await walletAddress(walletEndpoint(config, io.env)), options.amount)
  const sizes = recordSizes(body, { bitcoinNetwork: config.chains.bitcoin.network, ethereumChainId: config.chains.ethereum.chain_id, bitcoinDefaultAccount: config.chains.bitcoin.account })
  if (typeof sizes === "string") throw new BenchFailed({ reason: `the sample body is not valid: ${sizes}; check --amount` })
  io.err(`intake: body ${sizes.bodyBytes} B, sendto record ${sizes.singleRecordBytes} B (batch item ${sizes.batchRecordBytes} B), key ${sizes.key}`)

  const run = await prepareRun({ bench: "intake", configPath: options.config, intake: { backlog_breaker: NO_BREAKER } })
  const perfTopic = `${run.names.prefix}.perf`
  const t = config.kafka.topics
  let ok = false
  try {
    await ensureBenchTopic(config.kafka.brokers, { name: perfTopic, partitions: t.partitions, replicationFactor: t.replication_factor, minInsyncReplicas: t.min_insync_replicas })
    const refSingle = await producerPerf(config, perfTopic, sizes.singleRecordBytes, options.referenceRecords, -1, options, io)
    const refBatch = await producerPerf(config, perfTopic, sizes.batchRecordBytes, options.referenceRecords, -1, options, io)

    let lastTenth = -1
    const store = await fillStatusStore(run, options.storeRecords, (done) => {
      const tenth = Math.floor(done * 10)
      if (tenth !== lastTenth) io.err(`intake: filling the status store: ${Math.round(done * 100)}% of ${options.storeRecords.toLocaleString("en-US")} requests`)
      lastTenth = tenth
    })
    io.err(`intake: status store holds ${store.records.toLocaleString("en-US")} requests (${store.fileMb} MB, written in ${(store.ms / 1000).toFixed(1)} s)`)
    // One start varies by a few hundred ms on a shared machine: the earlier starts are
    // timed and stopped, the last one is loaded, and the report gives their median.
    const startsMs: number[] = []
    for (let n = 1; n < options.starts; n++) {
      const trial = startGateway({ run, roles: ["producer"], baseEnv: io.env })
      try {
        const ready = await trial.waitReady(options.readyTimeoutMs)
        startsMs.push(ready.spawnToReadyMs)
        io.err(`intake: start ${n} of ${options.starts}: ready ${ready.spawnToReadyMs.toFixed(0)} ms after spawn`)
        await trial.stop()
      } catch (error) {
        trial.kill()
        throw error
      }
    }
    io.err(`intake: starting gateway --role producer on ${run.intakeUrl} (topics ${run.names.prefix}.*)`)
    const gateway = startGateway({ run, roles: ["producer"], baseEnv: io.env })
    let stopped = false
    try {
      const start = await gateway.waitReady(options.readyTimeoutMs)
      startsMs.push(start.spawnToReadyMs)
      io.err(`intake: ready ${start.spawnToReadyMs.toFixed(0)} ms after spawn (the gateway logged ${start.loggedMs ?? "?"} ms since its start)`)
      const memory = sampleMemory(gateway)
      const target: IntakeTarget = { baseUrl: run.intakeUrl, apiKey }
      const singleBody = JSON.stringify(body)
      const batchBody = JSON.stringify({ requests: Array.from({ length: options.batchSize }, () => body) })
      const sendSingle = repeatPost(target, "/v1/requests", singleBody)
      const sendBatch = repeatPost(target, "/v1/batches", batchBody)

      const warm = await closedLoop({ calls: options.warmup, clients: options.clients, send: sendSingle, label: "warm-up" })
      const single = await withCpu(gateway, () =>
        closedLoop({ calls: options.singleRequests, clients: options.clients, send: sendSingle, label: `single x${options.clients}`, progress: io.progress }),
      )
      requireAccepted("single", single.result)
      const batchCalls = Math.ceil(options.batchItems / options.batchSize)
      const batch = await withCpu(gateway, () =>
        closedLoop({ calls: batchCalls, itemsPerCall: options.batchSize, clients: options.batchClients, send: sendBatch, label: `batch ${options.batchSize} x${options.batchClients}`, progress: io.progress }),
      )
      requireAccepted("batch", batch.result)
      const pacedTargetRate = single.result.itemsPerSec / 2
      const pacedCalls = Math.max(1, Math.round(pacedTargetRate * options.pacedSeconds))
      const paced = await withCpu(gateway, () =>
        pacedLoad({ calls: pacedCalls, ratePerSec: pacedTargetRate, send: sendSingle, label: `paced ${pacedTargetRate.toFixed(0)}/s`, progress: io.progress }),
      )
      requireAccepted("paced", paced.result)
      const sampled = memory.stop()

      const accepted = warm.okItems + single.result.okItems + batch.result.okItems + paced.result.okItems
      const metricAccepted = metricSum(await gateway.metrics(), "gateway_intake_items_accepted_total")
      const sendtoRecords = await topicRecordCount(config.kafka.brokers, run.names.requests)
      const resultsRecords = await topicRecordCount(config.kafka.brokers, run.names.results)
      await gateway.stop()
      stopped = true
      // Kafka's own latency at the paced rate, with the gateway gone: what the cluster alone gives at that load.
      const refPaced = await producerPerf(config, perfTopic, sizes.singleRecordBytes, Math.max(1000, pacedCalls), Math.max(1, Math.round(pacedTargetRate)), options, io)
      ok = true
      return intakeReport({
        sizes,
        batchSize: options.batchSize,
        single: single.result,
        batch: batch.result,
        paced: paced.result,
        cpu: { single: single.cpu, batch: batch.cpu, paced: paced.cpu },
        pacedTargetRate,
        reference: { single: refSingle, batch: refBatch, paced: refPaced },
        store: { records: store.records, fileMb: store.fileMb },
        memory: sampled,
        start: { ...start, timeline: startTimeline(gateway.lines, gateway.spawnedAt), startsMs },
        durability: { accepted, sendtoRecords, resultsRecords, metricAccepted },
        loadAverage: { start: loadAtStart, end: loadavg() },
      })
    } finally {
      if (!stopped) gateway.kill()
    }
  } finally {
    await deleteBenchTopic(config.kafka.brokers, perfTopic).catch(() => undefined)
    await run.finish({ keepDir: !ok })
    if (!ok) io.err(`intake: the run's config and gateway log are kept in ${run.dir}`)
  }
}
