/**
 * `gateway bench reads`: balance reads through the gateway's read API
 * against the same clients reading straight from anvil, on an Ethereum pool
 * of one node and of three, while a burst of transfers drains through the
 * same gateway. The run is imported only when the bench runs, so `--help`
 * stays fast.
 */
import { defineBench } from "../lib/bench-definition.ts"
import { intFlag, intListFlag, numberFlag, stringFlag, stringListFlag, switchFlag } from "../lib/bench-flags.ts"

/** The flags of `gateway bench reads`. */
export const READS_FLAGS = {
  config: stringFlag({
    value: "FILE",
    description: "Base config (brokers, API-key and keystore variables, the Ethereum node limits every pool node copies); each pass runs an isolated copy",
    default: "config/local.toml",
  }),
  passes: stringListFlag({
    description: "What to run: the direct reference, the drain-only pass and the reads pass of each pool",
    default: ["direct", "drain-only", "reads"],
    choices: ["direct", "drain-only", "reads"],
  }),
  pools: intListFlag({ description: "Pool sizes, one after another; each node of a pool is its own counting proxy in front of the same anvil", default: [1, 3], min: 1, max: 6 }),
  clients: intFlag({ description: "Concurrent readers, each reading one balance after another", default: 200, min: 1, max: 2000 }),
  addresses: intFlag({ description: "Hot addresses the readers ask about (fresh each run, each with a balance of its own)", default: 1000, min: 1, max: 100_000 }),
  zipfS: numberFlag({ value: "S", description: "Exponent of the Zipf mix choosing each read's address (0: uniform)", default: 1.1, min: 0, max: 5 }),
  durationS: numberFlag({ value: "S", description: "How long each read storm lasts (the direct reference and each reads pass)", default: 20, min: 1, max: 600 }),
  route: stringFlag({
    value: "ROUTE",
    description: "rpc: POST /v1/rpc/ethereum with eth_getBalance(address, \"latest\"); balances: GET /v1/balances/ethereum/{address}",
    default: "rpc",
    choices: ["rpc", "balances"],
  }),
  sampleEvery: intFlag({ description: "Keep one successful answer in this many and check it against anvil for the block it named", default: 50, min: 1 }),
  headPollMs: intFlag({ value: "MS", description: "The bench's own head poller (eth_blockNumber straight to anvil) that stale answers are judged by", default: 100, min: 10 }),
  blockTimeS: intFlag({
    value: "S",
    description: "Seconds between blocks during the run: the stack's anvil mines on an interval (as a real chain does; automine makes a block per transaction, so `latest` moves hundreds of times a second under a drain) and is set back to the stack's own mining afterwards ([stack].anvil_block_time_s); 0 leaves its mining alone",
    default: 2,
    min: 0,
    max: 60,
  }),
  idleS: numberFlag({ value: "S", description: "The idle node's own p99: one client reading straight from anvil this long, first", default: 3, min: 0.5, max: 60 }),
  burst: intFlag({ description: "Ethereum transfers submitted through the intake during each pass (1 wei each, to hot addresses)", default: 5000, min: 1 }),
  burstSenders: intFlag({ description: "Fresh keys the burst is spread over (funded through anvil_setBalance)", default: 64, min: 1, max: 1000 }),
  burstAfterS: numberFlag({ value: "S", description: "Submit the burst this long after the pass starts (the reads run from the start)", default: 2, min: 0 }),
  batchSize: intFlag({ description: "Requests per POST /v1/batches", default: 500, min: 1, max: 10_000 }),
  batchClients: intFlag({ description: "Concurrent submitters of the burst", default: 2, min: 1, max: 64 }),
  nodeCap: intFlag({ description: "max_in_flight of every pool node; 0 keeps the config's", default: 0, min: 0 }),
  cacheMb: intFlag({ value: "MB", description: "[reads].cache_mb for the gateway; 0 keeps the gateway's default", default: 0, min: 0 }),
  gatewayHeadPollMs: intFlag({ value: "MS", description: "[reads].head_poll_ms for the gateway; 0 keeps the gateway's default", default: 0, min: 0 }),
  maxBatch: intFlag({ description: "[reads].max_batch for the gateway; 0 keeps the gateway's default", default: 0, min: 0 }),
  hedge: switchFlag({ description: "Set [reads].hedge = true for the gateway" }),
  readTimeoutMs: intFlag({ value: "MS", description: "Per-read timeout", default: 10_000, min: 100 }),
  seed: intFlag({ description: "Seed of the Zipf draws (reads and the burst's recipients)", default: 1, min: 0 }),
  reachTimeoutS: intFlag({ value: "S", description: "After the storm: wait this long for every accepted transfer to reach the node", default: 120, min: 1 }),
  finalTimeoutS: intFlag({ value: "S", description: "Then wait this long for every one to be final", default: 120, min: 1 }),
  readyTimeoutMs: intFlag({ value: "MS", description: "How long a gateway may take to log gateway.ready", default: 60_000, min: 1000 }),
  timelineSvg: stringFlag({
    value: "FILE",
    description: "Where the reads-over-time chart is written (the results' own chart is the read rates)",
    default: "bench/results/reads-timeline-latest.svg",
  }),
}

/** `gateway bench reads`. */
export const readsBench = defineBench({
  name: "reads",
  summary: "Balance reads through the gateway vs straight to anvil, over 1 and 3 nodes, while a burst drains (target >= 10x)",
  description: [
    "--clients readers ask for the balances of --addresses fresh hot addresses, each",
    "address drawn from a Zipf mix (--zipf-s), for --duration-s per storm. First one",
    "client reads straight from the idle anvil (its own p99), then the same clients",
    "read eth_getBalance(address, \"latest\") straight from anvil through a counting",
    "proxy: the reference. Then, for each pool size, a gateway (producer and consumer",
    "roles, an isolated copy of --config) whose Ethereum pool is that many counting",
    "proxies, each its own [[nodes]] entry with its own cap, all in front of the SAME",
    "stack anvil: independent anvils would be different chains, whose answers could",
    "not be compared. A drain-only pass submits --burst transfers (to hot addresses)",
    "and times their drain; the reads pass runs the storm against the gateway's",
    "read API and the same burst, so blocks keep coming while it reads. Reported,",
    "each against its reference: reads/s (>= 10x direct), eth_getBalance calls the",
    "nodes saw per client read (<= 0.05), read p99 (<= 1x the idle node's), each",
    "node's peak in-flight (never over its cap), drain rate with reads (>= 0.95x",
    "alone), and one answer in --sample-every checked against anvil at the block",
    "it named (X-Gateway-Block): wrong answers and answers older than the head",
    "at the ask minus one must both be 0. A missed target is reported, not fatal.",
  ],
  flags: READS_FLAGS,
  examples: [
    ["gateway bench reads", "200 clients, 1,000 addresses, 20 s storms over 1 and 3 nodes"],
    ["gateway bench reads --duration-s 5 --clients 50 --burst 500", "A quick run"],
    ["gateway bench reads --pools 3 --passes reads --gateway-head-poll-ms 50", "Only the 3-node reads pass, with a faster head poll"],
    ["gateway bench reads --route balances --hedge", "GET /v1/balances with hedged node calls"],
  ],
  run: async (options, io) => {
    const { runReads } = await import("./run.ts")
    return runReads(options, io)
  },
})
