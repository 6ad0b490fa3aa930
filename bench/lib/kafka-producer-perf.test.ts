import { describe, expect, test } from "bun:test"
import {
  defaultKafkaLib,
  KAFKA_VERSION,
  parseProducerPerfSummary,
  parseProducerPerfWindow,
  ProducerPerfFailed,
  producerPerfCommand,
  resolveKafkaLib,
  runProducerPerformance,
} from "./kafka-producer-perf.ts"

/**
 * The stdout of a real run on the local 3-broker cluster (20,000 records of
 * 512 bytes, acks=all, linger.ms=5, a 12-partition topic with RF 3 and
 * min.insync.replicas 2): one 5-second window line, then the summary.
 */
const CAPTURED = [
  "8461 records sent, 1691.2 records/sec (0.83 MB/sec), 1263.4 ms avg latency, 2516.0 ms max latency.",
  "20000 records sent, 2827.654461 records/sec (1.38 MB/sec), 2257.91 ms avg latency, 3801.00 ms max latency, 2441 ms 50th, 3608 ms 95th, 3741 ms 99th, 3801 ms 99.9th.",
  "",
].join("\n")

describe("parseProducerPerfSummary", () => {
  test("reads every field of the final summary line", () => {
    expect(parseProducerPerfSummary(CAPTURED)).toEqual({
      records: 20000,
      recordsPerSec: 2827.654461,
      mbPerSec: 1.38,
      avgLatencyMs: 2257.91,
      maxLatencyMs: 3801,
      p50Ms: 2441,
      p95Ms: 3608,
      p99Ms: 3741,
      p999Ms: 3801,
    })
  })

  test("a window line is not a summary", () => {
    expect(parseProducerPerfSummary(CAPTURED.split("\n")[0] ?? "")).toBeUndefined()
    expect(parseProducerPerfSummary("")).toBeUndefined()
  })

  test("a summary printed with a comma decimal (another locale) is refused, not misread", () => {
    expect(parseProducerPerfSummary("20000 records sent, 3109,452736 records/sec (1,52 MB/sec), 1793,53 ms avg latency, 3398,00 ms max latency, 1650 ms 50th, 3201 ms 95th, 3341 ms 99th, 3390 ms 99.9th.")).toBeUndefined()
  })
})

describe("parseProducerPerfWindow", () => {
  test("the records of a 5-second window line", () => {
    expect(parseProducerPerfWindow(CAPTURED.split("\n")[0] ?? "")).toBe(8461)
    expect(parseProducerPerfWindow(CAPTURED.split("\n")[1] ?? "")).toBeUndefined()
  })
})

describe("producerPerfCommand", () => {
  test("acks=all always, linger and batch when given, throughput -1 by default", () => {
    expect(
      producerPerfCommand({
        bootstrap: ["127.0.0.1:19092", "127.0.0.1:19093"],
        topic: "bench.perf",
        recordSize: 512,
        numRecords: 20000,
        lingerMs: 5,
        batchSize: 65536,
        extraProps: { acks: "1", "compression.type": "none" },
        kafkaLib: "/k/lib",
      }),
    ).toEqual([
      "java",
      "-Xmx256m",
      "-Duser.language=en",
      "-Duser.country=US",
      "-cp",
      "/k/lib/*",
      "org.apache.kafka.tools.ProducerPerformance",
      "--topic",
      "bench.perf",
      "--num-records",
      "20000",
      "--record-size",
      "512",
      "--throughput",
      "-1",
      "--producer-props",
      "bootstrap.servers=127.0.0.1:19092,127.0.0.1:19093",
      "acks=all",
      "linger.ms=5",
      "batch.size=65536",
      "compression.type=none",
    ])
  })
})

describe("where the jars are", () => {
  test("GATEWAY_CACHE_DIR wins over HOME, as in scripts/lib.sh", () => {
    expect(defaultKafkaLib({ GATEWAY_CACHE_DIR: "/c", HOME: "/h" })).toBe(`/c/kafka-${KAFKA_VERSION}/lib`)
    expect(defaultKafkaLib({ HOME: "/h" })).toBe(`/h/.cache/gateway/kafka-${KAFKA_VERSION}/lib`)
  })

  test("--kafka-lib, when given, wins over both", () => {
    expect(resolveKafkaLib("/opt/kafka/libs", { GATEWAY_CACHE_DIR: "/c" })).toBe("/opt/kafka/libs")
    expect(resolveKafkaLib("", { GATEWAY_CACHE_DIR: "/c" })).toBe(`/c/kafka-${KAFKA_VERSION}/lib`)
  })

  test("KAFKA_VERSION matches scripts/versions.sh", async () => {
    const versions = await Bun.file(`${import.meta.dir}/../../scripts/versions.sh`).text()
    expect(versions).toContain(`KAFKA_VERSION=${KAFKA_VERSION}\n`)
  })

  test("a folder without the jars is refused with the fix, before java starts", async () => {
    const run = runProducerPerformance({ bootstrap: ["127.0.0.1:1"], topic: "t", recordSize: 1, numRecords: 1, kafkaLib: "/nonexistent/kafka/lib" })
    await expect(run).rejects.toBeInstanceOf(ProducerPerfFailed)
    await expect(run).rejects.toThrow("no kafka-tools jar in /nonexistent/kafka/lib; run scripts/install kafka (or npm test) to fetch Kafka 3.9.1, or pass --kafka-lib DIR")
  })
})
