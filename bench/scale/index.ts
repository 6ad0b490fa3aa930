/**
 * `gateway bench scale`: Ethereum contract-call throughput through a pool of
 * one node and through a pool of three, in the same run (paper A: spread
 * contract calls over several nodes to finish a large batch sooner). The
 * run is imported only when the bench runs, so `--help` stays fast.
 */
import { defineBench } from "../lib/bench-definition.ts"
import { intFlag, numberFlag, stringFlag } from "../lib/bench-flags.ts"

/** The flags of `gateway bench scale`. */
export const SCALE_FLAGS = {
  config: stringFlag({
    value: "FILE",
    description: "Base config (brokers, API-key and keystore variables, the Ethereum node limits every pool node copies); each phase runs an isolated copy",
    default: "config/local.toml",
  }),
  nodes: intFlag({ description: "Nodes in the big pool (the small pool is always 1)", default: 3, min: 2, max: 6 }),
  calls: intFlag({ description: "Contract calls per phase (each from its own fresh key; the key list must fit one environment variable)", default: 600, min: 10, max: 1900 }),
  callsPerSender: intFlag({ description: "Calls each fresh sender makes, in nonce order; above 1 the pool's shared nonce ledger meets independent chains", default: 1, min: 1, max: 100 }),
  blockTimeS: numberFlag({ value: "S", description: "Block time of every anvil; 0 mines each transaction on arrival (automine)", default: 1, min: 0, max: 12 }),
  callsPerBlock: intFlag({
    description: "Calls one block holds (sets anvil's block gas limit): each node's capacity is this per block time, kept well under what the gateway itself can sign and send so the node is the bottleneck; ignored with automine",
    default: 5,
    min: 1,
    max: 800,
  }),
  batchSize: intFlag({ description: "Requests per POST /v1/batches", default: 200, min: 1, max: 10000 }),
  finalTimeoutS: intFlag({ value: "S", description: "Wait this long after submitting for every request to be final", default: 300, min: 5 }),
  readyTimeoutMs: intFlag({ value: "MS", description: "How long a gateway may take to log gateway.ready", default: 60_000, min: 1000 }),
  anvil: stringFlag({ value: "FILE", description: "The anvil binary; found under ./node_modules/@foundry-rs or on PATH when empty", default: "", defaultText: "(found)" }),
  timelineSvg: stringFlag({
    value: "FILE",
    description: "Where the cumulative-executions chart is written (the results' own chart is the rates)",
    default: "bench/results/scale-timeline-latest.svg",
  }),
}

/** `gateway bench scale`. */
export const scaleBench = defineBench({
  name: "scale",
  summary: "Ethereum contract calls through a pool of 1 node vs 3 nodes (target >= 2.7x)",
  description: [
    "Starts its own anvil nodes (each its own chain, same settings, stopped by pid",
    "at the end), deploys the same Counter contract at the same address on each,",
    "and puts a counting proxy in front of every node. Phase 1 runs a gateway",
    "(producer and consumer roles, an isolated copy of --config) whose Ethereum",
    "pool is node 1 only; phase 2 one whose pool is all --nodes. Each phase",
    "submits --calls bump(amount) contract calls, each from a fresh key with a",
    "distinct amount and a fixed gas limit (no estimate), and times the first",
    "batch sent to the last request confirmed. The chains then say what ran where: every",
    "Bumped event is tallied, so a call executed twice (or on two chains) or not",
    "at all is counted. Each node's capacity is --calls-per-block per",
    "--block-time-s, so the node, not this machine's CPU, is the bottleneck.",
  ],
  flags: SCALE_FLAGS,
  examples: [
    ["gateway bench scale", "600 calls through 1 node, then through 3; 5 calls per 1 s block per node"],
    ["gateway bench scale --calls 300 --calls-per-block 20", "A shorter run with bigger blocks"],
    ["gateway bench scale --block-time-s 0", "Automine: each node executes a call as it arrives"],
    ["gateway bench scale --calls-per-sender 4", "Show what the shared nonce ledger does on independent chains"],
  ],
  run: async (options, io) => {
    const { runScale } = await import("./run.ts")
    return runScale(options, io)
  },
})
