/**
 * The intake bench's report, from its measurements: the two rates set
 * against ProducerPerformance at the same record size, the paced p99, the
 * process's memory and start time against their absolute targets, a bar
 * chart of gateway vs reference, and the time series kept in `details`.
 */
import type { ProducerPerfResult } from "../lib/kafka-producer-perf.ts"
import { loopFigureMs } from "../lib/loop-delay.ts"
import type { BenchReport, Comparison, Figure, JsonValue } from "../lib/results.ts"
import { percentile, round, sortedCopy, summarize } from "../lib/stats.ts"
import { ratioAtLeast, valueAtMost } from "../lib/target.ts"
import type { LoadResult } from "./load.ts"
import type { RecordSizes } from "./record-size.ts"

/** The brief's targets for the intake. */
export const INTAKE_TARGETS = {
  singleRatio: 0.5,
  batchRatio: 0.9,
  pacedP99Ms: 20,
  rssMb: 120,
  readyMs: 500,
} as const

/** CPU used during a phase, in % of one core: the gateway process and the bench itself (its HTTP clients). */
export interface PhaseCpu {
  readonly gateway: number
  readonly bench: number
  /** The gateway's event-loop delay over the phase, p99 bucket bound in ms (Infinity past 1 s); absent when it was not read. */
  readonly loopP99Ms?: number
}

/** Everything one intake run measured. */
export interface IntakeMeasurements {
  readonly sizes: RecordSizes
  readonly batchSize: number
  readonly single: LoadResult
  readonly batch: LoadResult
  /** The open-loop phase at half the single rate. */
  readonly paced: LoadResult
  readonly pacedTargetRate: number
  readonly cpu: { readonly single: PhaseCpu; readonly batch: PhaseCpu; readonly paced: PhaseCpu }
  /** ProducerPerformance flat out at each record size, and paced at the paced phase's rate (for its latency). */
  readonly reference: { readonly single: ProducerPerfResult; readonly batch: ProducerPerfResult; readonly paced: ProducerPerfResult }
  /** Requests written into the gateway's status store before it started (`--store-records`), and the file's size. */
  readonly store: { readonly records: number; readonly fileMb: number }
  /** Peak VmRSS seen while sampling under load, VmHWM at the end, and the samples `[s, MB]`. */
  readonly memory: { readonly peakRssKb: number; readonly hwmKb: number; readonly samples: ReadonlyArray<readonly [number, number]> }
  /**
   * The loaded start (its ms and log timeline), and spawn to ready of every start on the
   * full store, the loaded one last: one start on a shared machine varies by a few hundred
   * ms, so the target is judged on their median.
   */
  readonly start: {
    readonly spawnToReadyMs: number
    readonly loggedMs: number | null
    readonly timeline: ReadonlyArray<readonly [string, number]>
    readonly startsMs: ReadonlyArray<number>
  }
  /** Requests the clients saw accepted, records in the run's sendto topic, and the gateway's own counter. */
  readonly durability: { readonly accepted: number; readonly sendtoRecords: number; readonly resultsRecords: number; readonly metricAccepted: number }
  /** 1, 5 and 15 minute load averages at the start and the end: the machine is shared, so say how busy it was. */
  readonly loadAverage: { readonly start: ReadonlyArray<number>; readonly end: ReadonlyArray<number> }
}

/** `[second, p99 ms]` of the calls that completed in each `bucketMs` window. */
export const p99PerWindow = (timeline: ReadonlyArray<readonly [number, number]>, bucketMs = 1000): ReadonlyArray<readonly [number, number]> => {
  const buckets = new Map<number, Array<number>>()
  for (const [at, latency] of timeline) {
    const b = Math.floor(at / bucketMs)
    const list = buckets.get(b) ?? []
    list.push(latency)
    buckets.set(b, list)
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([b, list]): readonly [number, number] => [(b * bucketMs) / 1000, percentile(sortedCopy(list), 0.99) ?? 0])
}

const p = (r: LoadResult, q: number): number => percentile(sortedCopy(r.latenciesMs), q) ?? Number.NaN

const failed = (r: LoadResult): number => r.failures.reduce((n, f) => n + f.count, 0)

const phaseJson = (r: LoadResult): JsonValue => {
  const s = summarize(r.latenciesMs)
  return {
    calls: r.calls,
    okCalls: r.okCalls,
    okItems: r.okItems,
    failed: failed(r),
    failures: r.failures.map((f) => ({ status: f.status, detail: f.detail, count: f.count })),
    wallMs: r.wallMs,
    itemsPerSec: r.itemsPerSec,
    latencyMs: s === null ? null : { ...s, mean: round(s.mean, 2) },
  }
}

const perfJson = (r: ProducerPerfResult): JsonValue => ({ ...r })

/** The report for one run. */
export const intakeReport = (m: IntakeMeasurements): BenchReport => {
  const mb = (kb: number) => round(kb / 1024, 1)
  const ref = m.reference
  const pacedP99 = p(m.paced, 0.99)
  const starts = sortedCopy(m.start.startsMs.length > 0 ? m.start.startsMs : [m.start.spawnToReadyMs])
  const readyMedian = round(percentile(starts, 0.5) ?? m.start.spawnToReadyMs, 1)
  const figures: ReadonlyArray<Figure> = [
    { name: "single: accepted rate", unit: "requests/s", value: m.single.itemsPerSec },
    { name: "single: accept p50", unit: "ms", value: p(m.single, 0.5) },
    { name: "single: accept p99", unit: "ms", value: p(m.single, 0.99) },
    { name: "single: failed calls", unit: "calls", value: failed(m.single) },
    { name: "batch: accepted rate", unit: "requests/s", value: m.batch.itemsPerSec },
    { name: `batch: accept p50 (${m.batchSize} items)`, unit: "ms", value: p(m.batch, 0.5) },
    { name: `batch: accept p99 (${m.batchSize} items)`, unit: "ms", value: p(m.batch, 0.99) },
    { name: "batch: failed calls", unit: "calls", value: failed(m.batch) },
    { name: "paced: target rate", unit: "requests/s", value: round(m.pacedTargetRate, 1) },
    { name: "paced: achieved rate", unit: "requests/s", value: m.paced.itemsPerSec },
    { name: "paced: accept p50", unit: "ms", value: p(m.paced, 0.5) },
    { name: "paced: accept p99", unit: "ms", value: pacedP99 },
    { name: "paced: failed calls", unit: "calls", value: failed(m.paced) },
    { name: "ProducerPerformance rate, single record size", unit: "records/s", value: ref.single.recordsPerSec },
    { name: "ProducerPerformance p99, single record size", unit: "ms", value: ref.single.p99Ms },
    { name: "ProducerPerformance rate, batch record size", unit: "records/s", value: ref.batch.recordsPerSec },
    { name: "ProducerPerformance p99 at the paced rate", unit: "ms", value: ref.paced.p99Ms },
    { name: "record size, single", unit: "bytes", value: m.sizes.singleRecordBytes },
    { name: "record size, batch item", unit: "bytes", value: m.sizes.batchRecordBytes },
    { name: "request body size", unit: "bytes", value: m.sizes.bodyBytes },
    { name: "requests in the status store at start", unit: "requests", value: m.store.records },
    { name: "status store file at start", unit: "MB", value: m.store.fileMb },
    { name: "gateway peak RSS under load (VmRSS samples)", unit: "MB", value: mb(m.memory.peakRssKb) },
    { name: "gateway VmHWM", unit: "MB", value: mb(m.memory.hwmKb) },
    { name: "gateway CPU, single phase", unit: "% of a core", value: m.cpu.single.gateway },
    { name: "gateway CPU, batch phase", unit: "% of a core", value: m.cpu.batch.gateway },
    { name: "gateway CPU, paced phase", unit: "% of a core", value: m.cpu.paced.gateway },
    { name: "bench client CPU, single phase", unit: "% of a core", value: m.cpu.single.bench },
    ...(["single", "batch", "paced"] as const).flatMap((phase) => {
      const p99 = m.cpu[phase].loopP99Ms
      return p99 === undefined ? [] : [{ name: `gateway event-loop delay p99, ${phase} phase (bucket bound, 1000 = past 1 s)`, unit: "ms", value: loopFigureMs(p99) }]
    }),
    { name: `start to ready (spawn to gateway.ready), median of ${starts.length} start(s)`, unit: "ms", value: readyMedian },
    { name: "start to ready, fastest start", unit: "ms", value: round(starts[0] ?? 0, 1) },
    { name: "start to ready, slowest start", unit: "ms", value: round(starts.at(-1) ?? 0, 1) },
    { name: "start to ready, the start that was loaded", unit: "ms", value: round(m.start.spawnToReadyMs, 1) },
    { name: "accepted but not in sendto", unit: "requests", value: m.durability.accepted - m.durability.sendtoRecords },
  ]
  const comparisons: ReadonlyArray<Comparison> = [
    { measure: "intake rate, one request per call", unit: "requests/s", value: m.single.itemsPerSec, reference: ref.single.recordsPerSec, referenceName: "ProducerPerformance records/s", target: ratioAtLeast(INTAKE_TARGETS.singleRatio) },
    { measure: `intake rate, batches of ${m.batchSize}`, unit: "requests/s", value: m.batch.itemsPerSec, reference: ref.batch.recordsPerSec, referenceName: "ProducerPerformance records/s", target: ratioAtLeast(INTAKE_TARGETS.batchRatio) },
    { measure: "accept p99 at half the max single rate", unit: "ms", value: pacedP99, reference: ref.paced.p99Ms, referenceName: "ProducerPerformance p99 at that rate", target: valueAtMost(INTAKE_TARGETS.pacedP99Ms) },
    { measure: `gateway RSS under load (VmHWM), ${m.store.records.toLocaleString("en-US")} requests in the store`, unit: "MB", value: mb(m.memory.hwmKb), reference: null, target: valueAtMost(INTAKE_TARGETS.rssMb) },
    { measure: `start to ready (median of ${starts.length})`, unit: "ms", value: readyMedian, reference: null, target: valueAtMost(INTAKE_TARGETS.readyMs) },
  ]
  const ratio = (value: number, reference: number) => (reference > 0 ? `${(value / reference).toFixed(2)}x` : "-")
  return {
    figures,
    comparisons,
    chart: {
      kind: "bar",
      title: "HTTP intake (acks=all) vs Kafka ProducerPerformance, same record size",
      yLabel: "requests or records per second",
      series: ["gateway intake", "ProducerPerformance"],
      groups: [
        {
          label: "one request per call",
          values: [m.single.itemsPerSec, ref.single.recordsPerSec],
          note: ratio(m.single.itemsPerSec, ref.single.recordsPerSec),
          target: { value: ref.single.recordsPerSec * INTAKE_TARGETS.singleRatio, label: `target >= ${INTAKE_TARGETS.singleRatio}x` },
        },
        {
          label: `batches of ${m.batchSize}`,
          values: [m.batch.itemsPerSec, ref.batch.recordsPerSec],
          note: ratio(m.batch.itemsPerSec, ref.batch.recordsPerSec),
          target: { value: ref.batch.recordsPerSec * INTAKE_TARGETS.batchRatio, label: `target >= ${INTAKE_TARGETS.batchRatio}x` },
        },
      ],
    },
    details: {
      sizes: { ...m.sizes },
      note: `the gateway wrote ${m.durability.accepted > 0 ? round((m.durability.sendtoRecords + m.durability.resultsRecords) / m.durability.accepted, 2) : 0} acks=all records per accepted request (sendto plus the results topic); the reference sends one record per request, of the sendto record's size, without a key; every sendtoaddress request has the key ${m.sizes.key}, so the gateway's sendto records all go to one partition`,
      single: phaseJson(m.single),
      batch: phaseJson(m.batch),
      paced: { ...(phaseJson(m.paced) as Record<string, JsonValue>), targetRate: round(m.pacedTargetRate, 1), p99PerSecondMs: p99PerWindow(m.paced.timeline).map(([s, v]) => [s, v]) },
      reference: { single: perfJson(ref.single), batch: perfJson(ref.batch), paced: perfJson(ref.paced) },
      memory: { peakRssMb: mb(m.memory.peakRssKb), hwmMb: mb(m.memory.hwmKb), rssMbOverTime: m.memory.samples.map(([s, v]) => [s, v]) },
      start: { spawnToReadyMs: round(m.start.spawnToReadyMs, 1), startsMs: m.start.startsMs.map((ms) => round(ms, 1)), loggedMsSinceStart: m.start.loggedMs, logLinesMsAfterSpawn: m.start.timeline.map(([e, ms]) => [e, ms]) },
      durability: { ...m.durability },
      loadAverage: { start: m.loadAverage.start.map((x) => round(x, 2)), end: m.loadAverage.end.map((x) => round(x, 2)) },
      cpuPercentOfOneCore: { single: { ...m.cpu.single }, batch: { ...m.cpu.batch }, paced: { ...m.cpu.paced } },
    },
  }
}
