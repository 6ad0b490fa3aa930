/**
 * `gateway bench intake`: how many requests a second the HTTP intake accepts
 * (acks=all), one per call and in batches, against Kafka's own
 * ProducerPerformance on the same cluster and record size; the accept p99 at
 * half the single-call maximum; and the process's memory and start time.
 * The run is imported only when the bench runs, so `--help` stays fast.
 */
import { defineBench } from "../lib/bench-definition.ts"
import { intFlag, numberFlag, stringFlag } from "../lib/bench-flags.ts"
import { kafkaLibFlag } from "../lib/kafka-producer-perf.ts"

/** The flags of `gateway bench intake`. */
export const INTAKE_FLAGS = {
  config: stringFlag({
    value: "FILE",
    description: "Base config (brokers, topic settings, the wallet, the API-key variable); the bench runs a copy with its own topics and port",
    default: "config/local.toml",
  }),
  singleRequests: intFlag({ description: "Requests sent one per call (POST /v1/requests) at full speed", default: 20_000, min: 1 }),
  clients: intFlag({ description: "Concurrent HTTP clients for the single-call phase (Bun runs at most 256 fetches at once)", default: 64, min: 1, max: 256 }),
  batchItems: intFlag({ description: "Requests sent in batches (POST /v1/batches)", default: 100_000, min: 1 }),
  batchSize: intFlag({ description: "Requests per batch call", default: 500, min: 1 }),
  batchClients: intFlag({ description: "Concurrent HTTP clients for the batch phase", default: 4, min: 1, max: 64 }),
  pacedSeconds: numberFlag({ value: "S", description: "Length of the open-loop phase at half the measured single-call rate", default: 10, min: 1, max: 600 }),
  warmup: intFlag({ description: "Single requests sent first and not measured", default: 500, min: 0 }),
  referenceRecords: intFlag({ description: "Records ProducerPerformance sends per record size", default: 100_000, min: 1000 }),
  amount: stringFlag({ value: "BTC", description: "Amount in each sendtoaddress body (nothing is sent to the wallet: no consumer runs)", default: "0.0001" }),
  storeRecords: intFlag({ description: "Finished requests written into the gateway's status store before it starts, so its memory is measured with a full store", default: 1_000_000, min: 0 }),
  starts: intFlag({ description: "Times the gateway is started on the full store; start to ready is their median, and the last start is the one loaded", default: 5, min: 1, max: 50 }),
  readyTimeoutMs: intFlag({ value: "MS", description: "How long the gateway may take to log gateway.ready", default: 60_000, min: 1000 }),
  kafkaLib: kafkaLibFlag,
}

/** `gateway bench intake`. */
export const intakeBench = defineBench({
  name: "intake",
  summary: "HTTP intake rate (single and batch, acks=all) and accept latency vs Kafka ProducerPerformance",
  description: [
    "Starts a gateway with only the producer role on an isolated copy of --config",
    "(its own topics and a free port; no consumer, so nothing reaches a node) and",
    "loads its intake with valid Bitcoin sendtoaddress bodies: --single-requests",
    "one per call from --clients clients, then --batch-items in batches of",
    "--batch-size, then an open-loop phase at half the single-call rate. The",
    "reference is Kafka's ProducerPerformance (acks=all) on the same cluster, with",
    "records the size of the request's sendto record, on a throwaway topic with the",
    "same partitions, replication and min.insync.replicas. Also reports the",
    "gateway's peak RSS, with --store-records requests in its status store, and its",
    "spawn-to-ready time, the median of --starts starts on that store. The run's",
    "topics and store are deleted.",
  ],
  flags: INTAKE_FLAGS,
  examples: [
    ["gateway bench intake", "20,000 single requests, 100,000 in batches of 500, 10 s paced"],
    ["gateway bench intake --single-requests 2000 --batch-items 10000 --reference-records 20000 --paced-seconds 3", "A quick run"],
    ["gateway bench intake --clients 128 --batch-size 1000 --batch-clients 8", "More pressure"],
  ],
  run: async (options, io) => {
    const { runIntake } = await import("./run.ts")
    return runIntake(options, io)
  },
})
