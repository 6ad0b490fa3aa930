/**
 * Fault: the wallet takes a `sendrawtransaction` and its answer is lost. A proxy in front
 * of the wallet passes every other send's answer back as a 503 after the wallet has taken
 * the transaction, so the gateway cannot tell the send from one that never arrived. The
 * stack's miner is frozen meanwhile, so no block settles the question first: the tracker
 * sends the same bytes again a second later and the node answers that it already has them
 * ("already have transaction in mempool"). That answer must count as sent, not as a
 * refusal: with it read as a refusal, the payouts whose answers were lost end `failed`
 * while the wallet holds their bytes.
 *
 * What must hold, judged from the wallet and the statuses: while mining is paused, the
 * payouts whose answers were lost reach `submitted`; once it resumes every request ends
 * `confirmed`, each paid exactly once, Ethereum transfers in flight beside them too.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { btcPaidCounts, btcPayouts, ethPaidCounts, ethTransfers, expectExactlyOnce, stackWalletUrl, startFaultRunBehindWallet, statusesOf, submitAll, waitAllFinal, type FaultRun } from "../support/fault-run.ts"
import { Result } from "effect"
import { decodeRawTransaction } from "../../src/execution/bitcoin/raw-transaction.ts"
import { waitUntil } from "../support/intake-client.ts"
import { freeze, thaw, thawIfFrozen } from "../support/stack-process.ts"
import { startWalletProxy, type WalletProxy } from "../support/wallet-proxy.ts"

let proxy: WalletProxy
let run: FaultRun

beforeAll(async () => {
  let sends = 0
  proxy = startWalletProxy(stackWalletUrl, { loseSendAnswer: () => sends++ % 2 === 0 })
  run = await startFaultRunBehindWallet(proxy, { name: "send-answer-lost", ethSenders: 1, consumers: 1, btcCoins: 4 })
}, 180_000)

afterAll(async () => {
  thawIfFrozen("btc-miner")
  await run?.stop()
}, 120_000)

test("a payout whose send the wallet took but whose answer was lost is sent again, counted as sent when the node says it has it, and confirms once", async () => {
  const intake = run.intakes[0] ?? ""
  const payouts = btcPayouts(run, 60)
  const transfers = ethTransfers(run, 10)
  freeze("btc-miner")
  const ids = await submitAll(intake, [...payouts, ...transfers].sort(() => Math.random() - 0.5), 20)
  // The fault happened, often enough to matter.
  expect(await waitUntil(async () => proxy.lostAnswers().size >= 10, 60_000, 200)).toBe(true)
  const lostTxids = new Set([...proxy.lostAnswers()].map((raw) => Result.getOrThrow(decodeRawTransaction(raw)).txid))
  // With no block to settle it, each is sent again, and "already have it" counts as sent.
  let lostPayouts: Record<string, unknown>[] = []
  const resent = await waitUntil(async () => {
    lostPayouts = [...(await statusesOf(intake, ids)).values()].filter((r) => lostTxids.has(String(r.txid)))
    return lostPayouts.length >= 10 && lostPayouts.every((r) => r.status === "submitted")
  }, 60_000, 1_000)
  process.stderr.write(`send-answer-lost: ${lostTxids.size} send answers lost, for ${lostPayouts.length} payouts: ${JSON.stringify(Object.groupBy(lostPayouts, (r) => String(r.status)), (k, v) => (Array.isArray(v) ? v.length : v))}\n`)
  expect(resent).toBe(true)
  thaw("btc-miner")
  expect(await waitAllFinal("send-answer-lost", intake, ids, 240_000)).toBe(true)

  const byStatus: Record<string, number> = {}
  for (const s of (await statusesOf(intake, ids)).values()) byStatus[String(s.status)] = (byStatus[String(s.status)] ?? 0) + 1
  process.stderr.write(`send-answer-lost: statuses ${JSON.stringify(byStatus)}\n`)
  expect(byStatus).toEqual({ confirmed: ids.length })
  expectExactlyOnce(await btcPaidCounts(run), payouts.map((p) => p.params.amount), "bitcoin payouts")
  expectExactlyOnce(await ethPaidCounts(run, transfers.map((t) => t.params.value)), transfers.map((t) => t.params.value), "ethereum transfers")
}, 420_000)
