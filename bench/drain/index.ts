/**
 * `gateway bench drain`: the end-to-end rate from the HTTP intake into one
 * node against the same node driven directly at its best concurrency, for
 * the Ethereum node and the Bitcoin wallet; then a burst of 10,000 Ethereum
 * requests at about 10x the node's capacity, checked for lost requests,
 * node errors and the node's own latency, against the same burst sent
 * directly; and the latency of one transfer sent at a steady pace, through the
 * gateway and directly, to its block. The run is imported only when the bench runs.
 */
import { defineBench } from "../lib/bench-definition.ts"
import { intFlag, intListFlag, numberFlag, stringFlag, stringListFlag, switchFlag } from "../lib/bench-flags.ts"

/** The flags of `gateway bench drain`. */
export const DRAIN_FLAGS = {
  config: stringFlag({
    value: "FILE",
    description: "Base config (brokers, nodes, keystore and API-key variables); each pass runs a copy with its own topics, group and port",
    default: "config/local.toml",
  }),
  phases: stringListFlag({
    description: "What to run: the Ethereum drain, the Bitcoin drain, the Ethereum burst, and the latency of one Ethereum transfer at a steady pace",
    default: ["ethereum", "bitcoin", "burst", "latency"],
    choices: ["ethereum", "bitcoin", "burst", "latency"],
  }),
  ethRequests: intFlag({ description: "Ethereum transfers in the drain pass, and sent straight to the node to time it to mined (2,000 drain in about two of anvil's one-second blocks, too short a window to time steadily)", default: 10000, min: 1 }),
  ethSenders: intFlag({ description: "Fresh Ethereum keys the drain's transfers are spread over (keys run in parallel)", default: 32, min: 1, max: 1000 }),
  ethLadder: intListFlag({ description: "Concurrencies tried directly on the Ethereum node", default: [1, 2, 4, 8, 16], min: 1, max: 256 }),
  ethCallsPerStep: intFlag({ description: "Direct Ethereum calls per ladder step (200 were answered in about 25 ms: a spurt, not a rate)", default: 1000, min: 1 }),
  ethWarmup: intFlag({
    description:
      "Ethereum transfers sent through a gateway of their own, untimed, after the direct ladder and before the drain pass, to warm the brokers, which the direct path never touches: right after Kafka started they spent 2.5 ms of CPU a request in the pass, 1.9 after 10,000 requests, 1.2 after 40,000, 0.5-0.75 after about 100,000; 0 skips it",
    default: 10_000,
    min: 0,
  }),
  ethMaxInFlight: intFlag({ description: "Override the Ethereum node's max_in_flight for the gateway; 0 keeps the config's", default: 0, min: 0 }),
  btcRequests: intFlag({ description: "Bitcoin payments in the drain pass (150 drained in under a second, too short a window to time steadily)", default: 600, min: 1 }),
  btcLadder: intListFlag({ description: "Concurrencies tried directly on the wallet", default: [1, 2, 4], min: 1, max: 16 }),
  btcCallsPerStep: intFlag({ description: "Direct wallet calls per ladder step", default: 40, min: 1 }),
  btcMaxInFlight: intFlag({ description: "Override the wallet's max_in_flight for the gateway; 0 keeps the config's", default: 0, min: 0 }),
  btcAmount: numberFlag({ value: "BTC", description: "Base amount of each payment (each gets a distinct amount from here up)", default: 0.0001, min: 0.00001, max: 1 }),
  burstRequests: intFlag({ description: "Ethereum transfers in the burst", default: 10_000, min: 1 }),
  burstSenders: intFlag({ description: "Fresh Ethereum keys the burst is spread over", default: 64, min: 1, max: 1000 }),
  probeMs: intFlag({ value: "MS", description: "Interval of the side probe (eth_blockNumber straight to the node); at 100 a burst of 9 s gave about 90 samples, whose p99 is their slowest", default: 20, min: 10 }),
  idleSeconds: numberFlag({ value: "S", description: "Probe the idle node this long before each burst", default: 5, min: 1, max: 120 }),
  latencyRate: numberFlag({
    value: "PER_S",
    description:
      "Latency pass: single Ethereum transfers per second, through the gateway and then straight to the node: a steady client far under the drain rate (at 100/s the single POSTs alone kept the stack's brokers 1 core busy, and they queued)",
    default: 20,
    min: 1,
    max: 2000,
  }),
  latencySeconds: numberFlag({ value: "S", description: "Latency pass: how long each path is sent to at --latency-rate", default: 30, min: 1, max: 600 }),
  latencySenders: intFlag({ description: "Latency pass: fresh Ethereum keys the transfers are spread over, on each path", default: 32, min: 1, max: 1000 }),
  transactionIntervalMs: intFlag({
    value: "MS",
    description: "Every gateway pass: override [kafka.consumer].transaction_interval_ms (the least time between two Kafka transactions of a partition with a backlog); -1 keeps the config's",
    default: -1,
    min: -1,
    max: 60_000,
  }),
  transactionIntervalLightMs: intFlag({
    value: "MS",
    description: "Every gateway pass: override [kafka.consumer].transaction_interval_light_ms (the same pause without a backlog); -1 keeps the config's, lowered to --transaction-interval-ms when that is shorter",
    default: -1,
    min: -1,
    max: 60_000,
  }),
  batchSize: intFlag({ description: "Requests per POST /v1/batches", default: 500, min: 1 }),
  batchClients: intFlag({ description: "Concurrent submitters", default: 4, min: 1, max: 64 }),
  reachTimeoutS: intFlag({ value: "S", description: "Wait this long for every accepted request to reach the node", default: 300, min: 1 }),
  finalTimeoutS: intFlag({ value: "S", description: "Then wait this long for every one to be final (drain passes)", default: 120, min: 1 }),
  burstFinalTimeoutS: intFlag({ value: "S", description: "Then wait this long for every burst request to be final; any left is counted lost", default: 600, min: 1 }),
  leaveStalls: switchFlag({
    description: "Do not mine a block (evm_mine) when anvil holds ready transactions it is not mining (foundry-rs/foundry#10122); let the pass time out instead",
  }),
  readyTimeoutMs: intFlag({ value: "MS", description: "How long a gateway may take to log gateway.ready", default: 60_000, min: 1000 }),
  timelineSvg: stringFlag({
    value: "FILE",
    description: "Where the burst's node latency / in-flight chart is written (the results' own chart is the rates)",
    default: "bench/results/drain-timeline-latest.svg",
  }),
  blocksSvg: stringFlag({
    value: "FILE",
    description: "Where the Ethereum drain's transactions per block are drawn, through the gateway beside the node driven directly: where the gateway pass leaves blocks short",
    default: "bench/results/drain-blocks-latest.svg",
  }),
  latencySvg: stringFlag({
    value: "FILE",
    description: "Where the latency pass's chart is written: the share of transfers mined within each delay after the call, through the gateway and direct",
    default: "bench/results/drain-latency-latest.svg",
  }),
  cpuSvg: stringFlag({
    value: "FILE",
    description: "Where the Ethereum drain's CPU per request by process (gateway, Kafka, anvil, bench) is drawn, beside the node driven directly",
    default: "bench/results/drain-cpu-latest.svg",
  }),
}

/** `gateway bench drain`. */
export const drainBench = defineBench({
  name: "drain",
  summary: "End-to-end drain rate into one node vs the node driven directly; a 10x burst: lost, node errors, node p99; one transfer's latency",
  description: [
    "For each node (anvil, then the Bitcoin wallet): climb a concurrency ladder",
    "straight to the node to find its best rate, then run a gateway (producer and",
    "consumer roles, that node only, an isolated copy of --config) and time the",
    "first request accepted to the last one reaching the node (signed on Ethereum,",
    "submitted on Bitcoin), read from the run's results topic. An Ethereum record",
    "comes before its send: a run records a sender's transfers together and sends",
    "them one by one in nonce order, so under load the sends trail the records by",
    "seconds, and the rate to mined (below) is the one to judge. Ethereum transfers",
    "are signed by the gateway with fresh keys funded through anvil_setBalance.",
    "Before the Ethereum pass, --eth-warmup transfers go through a gateway of their",
    "own, untimed, so the brokers' JIT is warm as in a long-running deployment.",
    "Ethereum is also timed to the block that holds the last transaction, for",
    "--eth-requests sends straight to the node at its best concurrency and for the",
    "gateway's pass, on one clock that polls the head every 50 ms: a node that",
    "pools sends and mines on an interval answers sends faster than it mines them.",
    "The burst sends --burst-requests Ethereum transfers as fast as the intake takes",
    "them, waits for every one to be final, and probes the node's latency directly",
    "(eth_blockNumber every --probe-ms) while idle and during the burst; the same",
    "burst is then sent straight to the node with unbounded concurrency. When anvil",
    "stops including ready transactions (a known automine bug) for 5 s, the bench",
    "mines one block and counts it in the results (--leave-stalls turns this off).",
    "The latency pass sends single Ethereum transfers (POST /v1/requests) at a steady",
    "--latency-rate for --latency-seconds through a gateway, then as many straight to",
    "the node at the same pace, and times each from the client's call to the first",
    "sight of the block that holds it: what one payment waits when nothing is queued,",
    "the drains being what a backlog costs.",
  ],
  flags: DRAIN_FLAGS,
  examples: [
    ["gateway bench drain", "Both drains, then the 10,000-request burst"],
    ["gateway bench drain --phases ethereum --eth-requests 500", "A quick Ethereum drain only"],
    ["gateway bench drain --phases burst --burst-requests 2000", "A smaller burst"],
    ["gateway bench drain --phases latency --transaction-interval-ms 0", "One transfer's latency with the partitions committing back to back"],
  ],
  run: async (options, io) => {
    const { runDrain } = await import("./run.ts")
    return runDrain(options, io)
  },
})
