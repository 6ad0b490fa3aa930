/**
 * `gateway bench node-direct`: how fast each chain node goes when driven
 * directly, over a concurrency ladder. It is the reference the drain and
 * burst benches compare the gateway with, and a quick health check of the
 * nodes. The run itself is imported only when the bench runs, so `--help`
 * stays fast.
 */
import { defineBench } from "../lib/bench-definition.ts"
import { intFlag, intListFlag, numberFlag, stringFlag, stringListFlag } from "../lib/bench-flags.ts"

/** The flags of node-direct; the option names are the flag names in camelCase. */
export const NODE_DIRECT_FLAGS = {
  chains: stringListFlag({ description: "Which nodes to drive", default: ["bitcoin", "ethereum"], choices: ["bitcoin", "ethereum"] }),
  ladder: intListFlag({ description: "Concurrencies to try, one after another", default: [1, 2, 4, 8, 16], min: 1, max: 64 }),
  callsPerStep: intFlag({ description: "Calls per concurrency step (rounded up to whole calls per worker)", default: 100, min: 1, max: 5000 }),
  settleMs: intFlag({ value: "MS", description: "Pause between steps so one step's tail does not slow the next", default: 500, min: 0 }),
  timeoutMs: intFlag({ value: "MS", description: "Per-call timeout", default: 10000, min: 100 }),
  btcUrl: stringFlag({ value: "URL", description: "The Bitcoin wallet's JSON-RPC (btcwallet or bitcoind)", default: "http://127.0.0.1:18554" }),
  btcUser: stringFlag({ value: "USER", description: "RPC user", default: "gateway" }),
  btcPasswordEnv: stringFlag({ value: "NAME", description: "Environment variable holding the RPC password", default: "GATEWAY_BTC_PASSWORD" }),
  btcMethod: stringFlag({
    value: "METHOD",
    description: "sendtoaddress (Bitcoin Core's payment; spends confirmed coins), or sendfrom with minconf 0 (also spends unconfirmed change)",
    default: "sendtoaddress",
    choices: ["sendtoaddress", "sendfrom"],
  }),
  btcAccount: stringFlag({ value: "NAME", description: "Wallet account for sendfrom (btcwallet's is default)", default: "default" }),
  btcAmount: numberFlag({ value: "BTC", description: "Amount of each payment", default: 0.0001, min: 0.00001, max: 1 }),
  ethUrl: stringFlag({ value: "URL", description: "The Ethereum node's JSON-RPC", default: "http://127.0.0.1:8545" }),
  ethChainId: intFlag({ description: "Its chain id", default: 31337, min: 1 }),
  ethSenders: stringFlag({
    value: "KIND",
    description: "fresh: new funded accounts impersonated through anvil's RPC, one per worker; dev: the node's unlocked dev accounts, one per worker",
    default: "fresh",
    choices: ["fresh", "dev"],
  }),
  ethFirstAccount: intFlag({ description: "With --eth-senders dev: the first dev account used (tests and the gateway use the first few)", default: 5, min: 0 }),
}

/** `gateway bench node-direct`. */
export const nodeDirectBench = defineBench({
  name: "node-direct",
  summary: "Drive the Bitcoin wallet and the Ethereum node directly over a concurrency ladder",
  description: [
    "Sends payments straight to each node, with nothing in between: Bitcoin",
    "wallet payments of a small amount to one of its own addresses, and 1-wei",
    "eth_sendTransaction transfers, one sender per worker. Each concurrency of the",
    "ladder sends about --calls-per-step calls; the report gives the rate,",
    "latency and failures (by error tag) of each step, each rate as a ratio to",
    "concurrency 1, and the best concurrency: the reference for the drain and",
    "burst benches. Keep the numbers small on a shared machine.",
  ],
  flags: NODE_DIRECT_FLAGS,
  examples: [
    ["gateway bench node-direct", "Both nodes, ladder 1,2,4,8,16, 100 calls per step"],
    ["gateway bench node-direct --chains ethereum --ladder 1,4,16 --calls-per-step 400", "Only anvil, three steps"],
    ["gateway bench node-direct --chains bitcoin --btc-method sendfrom --ladder 1,2", "btcwallet's sendfrom with minconf 0"],
  ],
  run: async (options, io) => {
    const { runNodeDirect } = await import("./run.ts")
    return runNodeDirect(options, io)
  },
})
