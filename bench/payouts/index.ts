/**
 * `gateway bench payouts`: Bitcoin payouts through the batching lane (paper A's payroll
 * and airdrop case) against the wallet's best direct `sendtoaddress` rate in the same
 * run. The run is imported only when the bench runs.
 */
import { defineBench } from "../lib/bench-definition.ts"
import { intFlag, intListFlag, numberFlag, stringFlag } from "../lib/bench-flags.ts"

/** The flags of `gateway bench payouts`. */
export const PAYOUTS_FLAGS = {
  config: stringFlag({
    value: "FILE",
    description: "Base config (brokers, the wallet node, API-key variables); the pass runs a copy with its own topics, group, port and batching account",
    default: "config/local.toml",
  }),
  payouts: intFlag({ description: "Payouts sent through the gateway", default: 5000, min: 1 }),
  coins: intFlag({ description: "Coins of 10 BTC the batching account is funded with before the pass", default: 20, min: 1, max: 500 }),
  batchMaxOutputs: intFlag({ description: "[chains.bitcoin].batch_max_outputs for the pass", default: 500, min: 1, max: 3000 }),
  batchLingerMs: intFlag({ value: "MS", description: "[chains.bitcoin].batch_linger_ms for the pass", default: 500, min: 0 }),
  changeAddressUses: intFlag({
    description: "[chains.bitcoin].change_address_uses for the pass: batched transactions that share one change address (1: a fresh address each, the shipped default)",
    default: 25,
    min: 1,
  }),
  ladder: intListFlag({ description: "Concurrencies tried directly on the wallet (sendtoaddress)", default: [1, 2, 4], min: 1, max: 16 }),
  callsPerStep: intFlag({ description: "Direct wallet calls per ladder step", default: 60, min: 1 }),
  amount: numberFlag({ value: "BTC", description: "Base amount of each payout (each gets a distinct amount from here up)", default: 0.0001, min: 0.00001, max: 1 }),
  batchSize: intFlag({ description: "Requests per POST /v1/batches", default: 500, min: 1 }),
  batchClients: intFlag({ description: "Concurrent submitters", default: 4, min: 1, max: 64 }),
  readyTimeoutMs: intFlag({ value: "MS", description: "How long the gateway may take to log gateway.ready", default: 60_000, min: 1000 }),
  reachTimeoutS: intFlag({ value: "S", description: "Wait this long for every payout to reach the wallet", default: 300, min: 1 }),
  finalTimeoutS: intFlag({ value: "S", description: "Then wait this long for every payout to be confirmed", default: 300, min: 1 }),
}

/** `gateway bench payouts`. */
export const payoutsBench = defineBench({
  name: "payouts",
  summary: "Bitcoin payouts per second through the batching lane vs the wallet's best direct sendtoaddress rate",
  description: [
    "Climbs a concurrency ladder of sendtoaddress calls straight to the wallet to find",
    "its best rate; then funds a fresh account with --coins coins, runs a gateway",
    "(producer and consumer roles, the wallet only, an isolated copy of --config with",
    "that account in [chains.bitcoin].batch_accounts) and sends --payouts payouts",
    "(sendfrom, each a distinct amount to one address of the account). The rate is the",
    "first payout accepted to the last one reaching the wallet (its transaction",
    "recorded and sent); each payout is then checked paid exactly once in the wallet.",
    "The pass lets --change-address-uses transactions share a change address; the",
    "shipped config asks the wallet for a fresh one each time.",
  ],
  flags: PAYOUTS_FLAGS,
  examples: [
    ["gateway bench payouts", "5,000 payouts, batches of up to 500 outputs"],
    ["gateway bench payouts --payouts 20000 --coins 60", "A larger airdrop"],
    ["gateway bench payouts --change-address-uses 1", "A fresh change address for every transaction, as the shipped config"],
  ],
  run: async (options, io) => {
    const { runPayouts } = await import("./run.ts")
    return runPayouts(options, io)
  },
})
