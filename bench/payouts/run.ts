/**
 * The payouts run: the wallet's direct ladder first (nothing else on the wallet), then a
 * fresh account funded with several coins and a gateway whose batching lane pays that
 * account's payouts, then a check of every payout in the wallet.
 */
import { Effect } from "effect"
import { bitcoinCall, type BitcoinEndpoint } from "../../src/adapters/bitcoin-rpc.ts"
import { BenchFailed, type BenchIo } from "../lib/bench-definition.ts"
import type { OptionsOf } from "../lib/bench-flags.ts"
import { bestConcurrency } from "../lib/direct-node.ts"
import { prepareBitcoinTransfer } from "../lib/node-calls.ts"
import type { BenchReport } from "../lib/results.ts"
import { apiKeyFrom, loadBaseConfig } from "../intake/run.ts"
import { walletEndpoint } from "../intake/wallet-address.ts"
import { runGatewayPhase } from "../drain/gateway-phase.ts"
import type { PAYOUTS_FLAGS } from "./index.ts"
import { payoutsReport } from "./report.ts"

type Options = OptionsOf<typeof PAYOUTS_FLAGS>

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

const call = (endpoint: BitcoinEndpoint, method: string, params: readonly unknown[]) =>
  Effect.runPromise(bitcoinCall(endpoint, method, params).pipe(Effect.mapError((e) => new BenchFailed({ reason: `${method} at ${endpoint.url} failed: ${e.message}` }))))

/**
 * A wallet call that steps past btcwallet's unreadable change address: now and then a send
 * fails with "Invalid address or key: Sb1…" (the wallet's own change address); asking for
 * the next change address moves the wallet on, and the call is made again.
 */
const walletCall = async (endpoint: BitcoinEndpoint, method: string, params: readonly unknown[]): Promise<unknown> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(endpoint, method, params)
    } catch (error) {
      if (attempt >= 5 || !/Invalid address or key: Sb1/.test(String(error instanceof BenchFailed ? error.reason : error))) throw error
      await call(endpoint, "getrawchangeaddress", ["default"]).catch(() => undefined)
    }
  }
}

/** A fresh account with `coins` confirmed coins of 10 BTC, and an address of it to pay to. */
const fundAccount = async (endpoint: BitcoinEndpoint, account: string, coins: number, io: BenchIo) => {
  await call(endpoint, "createnewaccount", [account])
  for (let i = 0; i < coins; i++) await walletCall(endpoint, "sendfrom", ["default", String(await call(endpoint, "getnewaddress", [account])), 10, 0])
  const target = String(await call(endpoint, "getnewaddress", [account]))
  io.err(`payouts: funded account ${account} with ${coins} coins of 10 BTC; waiting for a block`)
  const deadline = Date.now() + 120_000
  while (Number(await call(endpoint, "getbalance", [account, 1])) < coins * 10) {
    if (Date.now() > deadline) throw new BenchFailed({ reason: `account ${account} did not get ${coins * 10} confirmed BTC within 120 s; is the stack's btc miner running? (npm run stack -- status)` })
    await sleep(500)
  }
  return target
}

/** How many times each amount was received by `target` (the account's own receives), and by which transactions. */
const paidCounts = async (endpoint: BitcoinEndpoint, account: string, target: string) => {
  // btcwallet lists by "*" only ("Transactions are not yet grouped by account"); the target address is the account's own.
  const list = (await call(endpoint, "listtransactions", ["*", 1_000_000])) as Array<{ category: string; address?: string; account?: string; amount: number; txid: string }>
  const counts = new Map<string, number>()
  const txids = new Set<string>()
  for (const t of list) {
    if (t.category !== "receive" || t.address !== target || t.account !== account) continue
    counts.set(t.amount.toFixed(8), (counts.get(t.amount.toFixed(8)) ?? 0) + 1)
    txids.add(t.txid)
  }
  return { counts, transactions: txids.size }
}

/** Runs the bench. */
export const runPayouts = async (options: Options, io: BenchIo): Promise<BenchReport> => {
  const config = await loadBaseConfig(options.config)
  const apiKey = apiKeyFrom(config, io.env)
  const node = config.nodes.find((n) => n.chain === "bitcoin")
  if (node === undefined) throw new BenchFailed({ reason: "the config has no bitcoin node; add one to [[nodes]]" })
  const endpoint = walletEndpoint(config, io.env)

  const prepared = await prepareBitcoinTransfer({ endpoint, amount: options.amount, method: "sendtoaddress", account: config.chains.bitcoin.account })
  io.err(`payouts: direct: ${prepared.describe}`)
  const ladder = await bestConcurrency({ ladder: options.ladder, callsPerStep: options.callsPerStep, call: prepared.call, label: "wallet direct", progress: io.progress, betweenSteps: () => sleep(500) }).finally(() => prepared.close())
  io.err(`payouts: direct best: c=${ladder.best.concurrency}, ${ladder.best.ratePerSec}/s`)

  const account = `payouts-${Date.now().toString(36)}`
  const target = await fundAccount(endpoint, account, options.coins, io)
  const amounts = Array.from({ length: options.payouts }, (_, i) => (options.amount + i * 1e-8).toFixed(8))
  const phase = await runGatewayPhase(
    {
      name: "payouts",
      configPath: options.config,
      node: node.name,
      nodeOverride: {},
      bitcoin: { batch_accounts: [account], batch_max_outputs: options.batchMaxOutputs, batch_linger_ms: options.batchLingerMs, change_address_uses: options.changeAddressUses },
      apiKey,
      env: {},
      bodies: amounts.map((amount) => ({ chain: "bitcoin", method: "sendfrom", params: { account, address: target, amount } })),
      batchSize: options.batchSize,
      batchClients: options.batchClients,
      readyTimeoutMs: options.readyTimeoutMs,
      reachTimeoutMs: options.reachTimeoutS * 1000,
      finalTimeoutMs: options.finalTimeoutS * 1000,
    },
    io,
  )
  const { counts, transactions } = await paidCounts(endpoint, account, target)
  const paidOnce = amounts.filter((a) => counts.get(a) === 1).length
  const paidTwice = amounts.filter((a) => (counts.get(a) ?? 0) > 1).length
  const unpaid = amounts.filter((a) => (counts.get(a) ?? 0) === 0).length
  io.err(`payouts: ${paidOnce} paid once, ${paidTwice} more than once, ${unpaid} not paid, in ${transactions} transactions`)
  return payoutsReport({ ladder, call: prepared.describe, phase, transactions, paidOnce, paidTwice, unpaid, settings: { batchMaxOutputs: options.batchMaxOutputs, batchLingerMs: options.batchLingerMs, changeAddressUses: options.changeAddressUses } })
}
