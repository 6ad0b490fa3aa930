/**
 * Fault: the payout batching lane loses its owner mid-burst. The run's account batches
 * its payouts (40 outputs a transaction, three transactions to a change address), mining
 * is paused so every transaction stays unconfirmed, and once some batches are recorded
 * and sent, every consumer host is SIGKILLed and replaced. The new owners must send the
 * recorded transactions again, build the rest, and pay each payout once; judged from the
 * wallet, and from the transactions themselves: payouts share transactions, and no
 * change address pays more than `change_address_uses` of them.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { Result } from "effect"
import { btc } from "../support/chain-clients.ts"
import { btcPaidCounts, btcPayouts, countRecordedUnfinished, expectExactlyOnce, replaceEveryConsumer, startFaultRun, statusesOf, submitAll, waitAllFinal, type FaultRun } from "../support/fault-run.ts"
import { waitUntil } from "../support/intake-client.ts"
import { freeze, thaw, thawIfFrozen } from "../support/stack-process.ts"
import { scriptForAddress } from "../../src/execution/bitcoin/address-script.ts"
import { decodeRawTransaction } from "../../src/execution/bitcoin/raw-transaction.ts"

const perTransaction = 40
const usesPerChangeAddress = 3
let run: FaultRun

beforeAll(async () => {
  run = await startFaultRun({
    name: "batched-payouts",
    ethSenders: 1,
    consumers: 2,
    btcCoins: 12,
    edit: (toml, { account }) => {
      const edited = toml
        .replace('batch_accounts = ["payroll"]', `batch_accounts = ["${account}"]`)
        .replace("batch_max_outputs = 500", `batch_max_outputs = ${perTransaction}`)
        .replace(/^change_address_uses = \d+ /m, `change_address_uses = ${usesPerChangeAddress} `)
      if (!edited.includes(`batch_accounts = ["${account}"]`) || !edited.includes(`change_address_uses = ${usesPerChangeAddress} `)) {
        throw new Error("config/local.toml no longer has the batch_accounts and change_address_uses lines this test edits")
      }
      return edited
    },
  })
}, 180_000)

afterAll(async () => {
  thawIfFrozen("btc-miner")
  await run?.stop()
}, 120_000)

test("a batching account's owners SIGKILLed mid-burst: each payout lands once, in shared transactions", async () => {
  const intake = run.intakes[0] ?? ""
  freeze("btc-miner")
  const payouts = btcPayouts(run, 400)
  const ids = await submitAll(intake, payouts)
  // Some batches recorded and sent, not all: the kill lands in the middle of the burst.
  const some = await waitUntil(async () => (await countRecordedUnfinished(intake, ids)) >= 3 * perTransaction, 120_000, 500)
  expect(some).toBe(true)
  process.stderr.write(`batched-payouts: ${await countRecordedUnfinished(intake, ids)} of ${ids.length} payouts recorded when every consumer is killed\n`)
  await replaceEveryConsumer(run, 2)
  thaw("btc-miner")
  expect(await waitAllFinal("batched-payouts", intake, ids, 300_000)).toBe(true)
  const statuses = await statusesOf(intake, ids)
  expect(ids.filter((id) => statuses.get(id)?.status !== "confirmed")).toEqual([])
  expectExactlyOnce(await btcPaidCounts(run), payouts.map((p) => p.params.amount), "batched payouts")

  // The transactions that paid them, read back from the wallet.
  const txids = [...new Set(ids.map((id) => String(statuses.get(id)?.txid)))]
  expect(txids.length).toBeGreaterThanOrEqual(Math.ceil(ids.length / perTransaction))
  expect(txids.length).toBeLessThan(ids.length / 4)
  const target = Result.getOrThrow(scriptForAddress(run.target, "simnet"))
  const txsPerChange = new Map<string, number>()
  for (const txid of txids) {
    const { hex } = (await btc("gettransaction", [txid])) as { hex: string }
    const decoded = Result.getOrThrow(decodeRawTransaction(hex))
    const payouts_ = decoded.outputs.filter((o) => o.scriptPubKey === target)
    expect(payouts_.length).toBeLessThanOrEqual(perTransaction)
    for (const script of new Set(decoded.outputs.filter((o) => o.scriptPubKey !== target).map((o) => o.scriptPubKey))) {
      txsPerChange.set(script, (txsPerChange.get(script) ?? 0) + 1)
    }
  }
  process.stderr.write(`batched-payouts: ${txids.length} transactions, change addresses used ${JSON.stringify([...txsPerChange.values()])} times\n`)
  expect(Math.max(...txsPerChange.values())).toBeLessThanOrEqual(usesPerChangeAddress)
  // Consecutive transactions did share an address (the setting is in force, not ignored).
  expect(Math.max(...txsPerChange.values())).toBeGreaterThan(1)
}, 480_000)
