/**
 * `gateway bench paper`: paper A's Table 1 on one machine. 3 consumer and
 * 5 producer processes of the gateway, laid out as config/paper.toml
 * says, take 5 producers × 10 workers × 20 Bitcoin sendfrom requests (one
 * POST each) to the one wallet; then the same 50 workers call the wallet
 * directly. With `--lab` the same workload runs against the multi-host lab
 * of the config (one network namespace per host, bench/lab/) while one
 * broker host is cut off. The run is imported only when the bench runs.
 */
import { defineBench } from "../lib/bench-definition.ts"
import { intFlag, numberFlag, stringFlag, stringListFlag, switchFlag } from "../lib/bench-flags.ts"

/** The flags of `gateway bench paper`. */
export const PAPER_FLAGS = {
  config: stringFlag({ value: "FILE", description: "The layout: its hosts, roles and limits (paper A's Table 1)", default: "config/paper.toml" }),
  local: stringFlag({ value: "FILE", description: "Where the local stack is: brokers, etcd, the wallet and the API-key variable (not read with --lab)", default: "config/local.toml" }),
  lab: switchFlag({ description: "Run against the multi-host lab of --config instead of the local stack: brings it up, runs the passes, takes it down (root only)" }),
  cutHost: stringFlag({ value: "HOST", description: "With --lab: the host of --config whose network is cut during the gateway pass, or none", default: "broker-2" }),
  cutAfterS: intFlag({ value: "S", description: "With --lab: seconds from the first POST to the cut", default: 5, min: 0, max: 3600 }),
  cutS: intFlag({ value: "S", description: "With --lab: how long the host stays cut off", default: 20, min: 1, max: 3600 }),
  requestDeadlineS: intFlag({ value: "S", description: "With --lab: how long a worker keeps retrying one request (same Idempotency-Key) before it gives up", default: 120, min: 1, max: 3600 }),
  passes: stringListFlag({ description: "What to run: through the gateway, and straight to the wallet", default: ["gateway", "direct"], choices: ["gateway", "direct"] }),
  producers: intFlag({ description: "Producer processes (must match the layout's producer hosts)", default: 5, min: 1, max: 16 }),
  workers: intFlag({ description: "Workers per producer, each sending its requests one after another", default: 10, min: 1, max: 100 }),
  requests: intFlag({ description: "Requests per worker", default: 20, min: 1, max: 1000 }),
  amount: numberFlag({ value: "BTC", description: "Amount of the first payment; each next one is 1 satoshi more, so a duplicate is visible", default: 0.001, min: 0.00001, max: 0.1 }),
  fundBtc: numberFlag({ value: "BTC", description: "What each pass's fresh account is funded with from the default account", default: 20, min: 1, max: 1000 }),
  finalTimeoutS: intFlag({ value: "S", description: "Wait this long after the last POST for every accepted request to be final", default: 3600, min: 10 }),
  readyTimeoutMs: intFlag({ value: "MS", description: "How long a gateway process may take to log gateway.ready", default: 90_000, min: 1000 }),
  timelineSvg: stringFlag({
    value: "FILE",
    description: "Where the cumulative-deliveries chart is written (the results' own chart is the bars)",
    default: "bench/results/paper-timeline-latest.svg",
  }),
}

/** `gateway bench paper`. */
export const paperBench = defineBench({
  name: "paper",
  summary: "Paper A's Table 1: 5 producers x 10 workers x 20 Bitcoin transfers, exactly once, vs direct",
  description: [
    "Starts the gateway as Table 1 lays it out (--config): one consumer process per",
    "consumer host and one producer process per producer host, each intake on its",
    "own port, against the local brokers and the one wallet (--local), with a",
    "counting proxy in front of the wallet. A fresh account is funded; 50 workers",
    "each POST 20 sendfrom requests with distinct amounts, one per call; the run",
    "waits for every request to be final and reads the wallet's own list of",
    "payments. Then another fresh account and the same 50 workers x 20 sendfrom",
    "straight to the wallet. Both report delivered, failed (by error), duplicate",
    "payments, wall time, the node's peak concurrency and the drain rate.",
    "",
    "With --lab (as root, after bun scripts/build.ts and scripts/install apt kafka",
    "zookeeper go): the lab of --config comes up as scripts/lab up would (each host",
    "a network namespace on bridge gwl0br: ZooKeeper, Kafka and etcd on the broker",
    "hosts, the wallet on bitcoin-1, dist/gateway on every host with roles). The",
    "workers POST to the producer hosts' intakes across the bridge, each request",
    "with its own Idempotency-Key, retrying 503s and timeouts with the same key",
    "until acknowledged. --cut-after-s after the first POST, --cut-host's link to",
    "the bridge goes down for --cut-s. The report adds requests acknowledged, paid",
    "exactly once, more than once and never, acknowledged requests lost (must be",
    "0), retries, answers while the host was cut off, and the cut window. The",
    "counting proxy stays in front of the wallet for both passes. The lab is taken",
    "down at the end, also after a failure; its logs stay in",
    "/tmp/gateway-lab/<config name>/logs.",
  ],
  flags: PAPER_FLAGS,
  examples: [
    ["gateway bench paper", "Both passes, 1,000 transfers each"],
    ["gateway bench paper --passes gateway --workers 2 --requests 5", "A quick gateway pass of 50 transfers"],
    ["sudo -E dist/gateway bench paper --lab", "Both passes on the nine lab hosts, broker-2 cut off for 20 s during the gateway pass"],
    ["sudo -E dist/gateway bench paper --lab --cut-host none", "The lab without a cut"],
  ],
  run: async (options, io) => {
    if (options.lab) {
      const { runPaperLab } = await import("./lab-run.ts")
      return runPaperLab(options, io)
    }
    const { runPaper } = await import("./run.ts")
    return runPaper(options, io)
  },
})
