/**
 * Kafka's own load generator, `org.apache.kafka.tools.ProducerPerformance`,
 * as the reference for the intake benches: same cluster, same record size,
 * acks=all, measured in the same run. It runs from the Kafka jars the stack
 * scripts fetch; its final summary line becomes a typed result.
 */
import { Data } from "effect"
import { existsSync, readdirSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { stringFlag } from "./bench-flags.ts"
import { type ProgressSink, silentSink, startProgress } from "./progress.ts"

/**
 * The Kafka version whose jars are used. It must match KAFKA_VERSION in
 * scripts/versions.sh: the compiled binary cannot read that file at run time.
 */
export const KAFKA_VERSION = "3.9.1"

/** The class that is run. */
export const PRODUCER_PERFORMANCE_CLASS = "org.apache.kafka.tools.ProducerPerformance"

/** Where scripts/lib.sh puts the jars: `$GATEWAY_CACHE_DIR` or `~/.cache/gateway`, then `kafka-<version>/lib`. */
export const defaultKafkaLib = (env: Readonly<Record<string, string | undefined>>): string => {
  const cache = env.GATEWAY_CACHE_DIR ?? join(env.HOME ?? homedir(), ".cache", "gateway")
  return join(cache, `kafka-${KAFKA_VERSION}`, "lib")
}

/** A ready-made `--kafka-lib DIR` flag for benches that run ProducerPerformance; "" means `defaultKafkaLib`. */
export const kafkaLibFlag = stringFlag({
  value: "DIR",
  description: "Folder of the Kafka jars that ProducerPerformance runs from",
  default: "",
  example: "/opt/kafka/libs",
  defaultText: `$GATEWAY_CACHE_DIR (else ~/.cache/gateway)/kafka-${KAFKA_VERSION}/lib`,
})

/** The jar folder a bench should use: the flag's value, else where the stack scripts put it. */
export const resolveKafkaLib = (flag: string, env: Readonly<Record<string, string | undefined>>): string =>
  flag === "" ? defaultKafkaLib(env) : flag

/** One ProducerPerformance run. */
export interface ProducerPerfOptions {
  readonly bootstrap: ReadonlyArray<string>
  readonly topic: string
  readonly recordSize: number
  readonly numRecords: number
  /** Records per second to aim for; -1 (the default) means as fast as possible. */
  readonly throughput?: number
  readonly lingerMs?: number
  readonly batchSize?: number
  /** More producer properties; acks is always `all`. */
  readonly extraProps?: Readonly<Record<string, string>>
  /** The folder of Kafka jars (see `defaultKafkaLib`). */
  readonly kafkaLib: string
  readonly java?: string
  /** JVM heap cap; small, because the machine is shared with three brokers. */
  readonly heap?: string
  readonly progress?: ProgressSink
  /** Kill the JVM after this long. */
  readonly timeoutMs?: number
  /** Sees every stdout line as it arrives (to log the 5-second windows, or keep the raw output). */
  readonly onLine?: (line: string) => void
}

/** The final summary of a run, units as ProducerPerformance prints them. */
export interface ProducerPerfResult {
  readonly records: number
  readonly recordsPerSec: number
  /** MiB per second (ProducerPerformance divides by 1024 × 1024). */
  readonly mbPerSec: number
  readonly avgLatencyMs: number
  readonly maxLatencyMs: number
  readonly p50Ms: number
  readonly p95Ms: number
  readonly p99Ms: number
  readonly p999Ms: number
}

/** ProducerPerformance could not run or printed no summary; `reason` says what to do next. */
export class ProducerPerfFailed extends Data.TaggedError("ProducerPerfFailed")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

const NUMBER = String.raw`(-?\d+(?:\.\d+)?)`
const SUMMARY = new RegExp(
  String.raw`^(\d+) records sent, ${NUMBER} records/sec \(${NUMBER} MB/sec\), ${NUMBER} ms avg latency, ${NUMBER} ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$`,
)
const WINDOW = new RegExp(String.raw`^(\d+) records sent, ${NUMBER} records/sec \(${NUMBER} MB/sec\), ${NUMBER} ms avg latency, ${NUMBER} ms max latency\.$`)

/** The final summary (the line with percentiles) in ProducerPerformance's output, if it printed one. */
export const parseProducerPerfSummary = (output: string): ProducerPerfResult | undefined => {
  for (const line of output.split("\n").reverse()) {
    const m = SUMMARY.exec(line.trim())
    if (m === null) continue
    const n = (i: number) => Number(m[i])
    return {
      records: n(1),
      recordsPerSec: n(2),
      mbPerSec: n(3),
      avgLatencyMs: n(4),
      maxLatencyMs: n(5),
      p50Ms: n(6),
      p95Ms: n(7),
      p99Ms: n(8),
      p999Ms: n(9),
    }
  }
  return undefined
}

/** The records sent in one 5-second progress line, or undefined for any other line. */
export const parseProducerPerfWindow = (line: string): number | undefined => {
  const m = WINDOW.exec(line.trim())
  return m === null ? undefined : Number(m[1])
}

/** The java command line for `options` (a locale is fixed so numbers print with a dot). */
export const producerPerfCommand = (options: ProducerPerfOptions): ReadonlyArray<string> => {
  const props: Record<string, string> = {
    "bootstrap.servers": options.bootstrap.join(","),
    acks: "all",
    ...(options.lingerMs === undefined ? {} : { "linger.ms": String(options.lingerMs) }),
    ...(options.batchSize === undefined ? {} : { "batch.size": String(options.batchSize) }),
    ...options.extraProps,
  }
  props.acks = "all"
  return [
    options.java ?? "java",
    `-Xmx${options.heap ?? "256m"}`,
    "-Duser.language=en",
    "-Duser.country=US",
    "-cp",
    `${options.kafkaLib}/*`,
    PRODUCER_PERFORMANCE_CLASS,
    "--topic",
    options.topic,
    "--num-records",
    String(options.numRecords),
    "--record-size",
    String(options.recordSize),
    "--throughput",
    String(options.throughput ?? -1),
    "--producer-props",
    ...Object.entries(props).map(([k, v]) => `${k}=${v}`),
  ]
}

/** Refuses early, with the fix, when the jars are not where they should be. */
const checkKafkaLib = (dir: string): ProducerPerfFailed | undefined => {
  const jars = existsSync(dir) ? readdirSync(dir) : []
  if (jars.some((f) => /^kafka-tools-.*\.jar$/.test(f))) return undefined
  return new ProducerPerfFailed({
    reason: `no kafka-tools jar in ${dir}; run scripts/install kafka (or npm test) to fetch Kafka ${KAFKA_VERSION}, or pass --kafka-lib DIR`,
  })
}

/** Starts the JVM, or explains how to get one. */
const spawn = (command: ReadonlyArray<string>) => {
  try {
    return Bun.spawn([...command], { stdout: "pipe", stderr: "pipe", stdin: "ignore" })
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    throw new ProducerPerfFailed({ reason: `could not start ${command[0]} (${detail}); install a JDK 17 or put java on PATH` })
  }
}

/** Runs ProducerPerformance to completion and returns its summary; rejects with `ProducerPerfFailed`. */
export const runProducerPerformance = async (options: ProducerPerfOptions): Promise<ProducerPerfResult> => {
  const missing = checkKafkaLib(options.kafkaLib)
  if (missing !== undefined) throw missing
  const command = producerPerfCommand(options)
  const child = spawn(command)
  const timeoutMs = options.timeoutMs ?? 600_000
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill()
  }, timeoutMs)
  const bar = startProgress({ label: "ProducerPerformance", total: options.numRecords, sink: options.progress ?? silentSink })
  const stderr = new Response(child.stderr).text()
  let stdout = ""
  let pending = ""
  let sent = 0
  const decoder = new TextDecoder()
  for await (const chunk of child.stdout) {
    const text = decoder.decode(chunk, { stream: true })
    stdout += text
    const lines = (pending + text).split("\n")
    pending = lines.pop() ?? ""
    for (const line of lines) {
      options.onLine?.(line)
      const window = parseProducerPerfWindow(line)
      if (window !== undefined) bar.set((sent += window))
    }
  }
  const code = await child.exited
  clearTimeout(timer)
  const summary = parseProducerPerfSummary(stdout)
  if (summary !== undefined) bar.set(summary.records)
  bar.finish()
  if (summary !== undefined && code === 0) return summary
  const tail = `${stdout}\n${await stderr}`
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("log4j:WARN"))
    .slice(-5)
    .join(" | ")
  const why = timedOut ? `did not finish in ${timeoutMs / 1000} s` : `exited with code ${code}`
  throw new ProducerPerfFailed({
    reason: `ProducerPerformance ${why} without a summary (${tail || "no output"}); check that the brokers ${options.bootstrap.join(",")} are up (npm run stack -- status) and the topic ${options.topic} exists`,
  })
}
