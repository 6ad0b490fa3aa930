/**
 * Fault: more unconfirmed wallet transactions than any listing window, then consumers
 * SIGKILLed. Mining is paused (the stack's btc miner is frozen) while 400 payouts of one
 * account are sent, far more than the 300 recent transactions the old reconciliation
 * read; then every consumer host is killed and replaced while the payouts are still
 * unconfirmed, and mining resumes. The new owner must take over from the recorded raw
 * transactions, never from a listing, and pay each payout once.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { btcPaidCounts, btcPayouts, countRecordedUnfinished, expectExactlyOnce, replaceEveryConsumer, startFaultRun, statusesOf, submitAll, waitAllFinal, type FaultRun } from "../support/fault-run.ts"
import { waitUntil } from "../support/intake-client.ts"
import { freeze, thaw, thawIfFrozen } from "../support/stack-process.ts"

let run: FaultRun

beforeAll(async () => {
  run = await startFaultRun({ name: "unconfirmed-backlog", ethSenders: 1, consumers: 2, btcCoins: 30 })
}, 180_000)

afterAll(async () => {
  thawIfFrozen("btc-miner")
  await run?.stop()
}, 120_000)

test("400 unconfirmed payouts, then every consumer SIGKILLed: each payout lands once", async () => {
  const intake = run.intakes[0] ?? ""
  freeze("btc-miner")
  const payouts = btcPayouts(run, 400)
  const ids = await submitAll(intake, payouts)
  // Wait until most payouts are recorded and sent (none can confirm while mining is paused).
  const sent = await waitUntil(async () => (await countRecordedUnfinished(intake, ids)) >= 320, 120_000, 1_000)
  expect(sent).toBe(true)
  const unconfirmed = ((await statusesOf(intake, ids)).size)
  process.stderr.write(`unconfirmed-backlog: ${unconfirmed} payouts recorded with mining paused; killing every consumer\n`)
  await replaceEveryConsumer(run, 2)
  thaw("btc-miner")
  expect(await waitAllFinal("unconfirmed-backlog", intake, ids, 300_000)).toBe(true)
  const statuses = await statusesOf(intake, ids)
  expect(ids.filter((id) => statuses.get(id)?.status !== "confirmed")).toEqual([])
  expectExactlyOnce(await btcPaidCounts(run), payouts.map((p) => p.params.amount), "bitcoin payouts")
}, 480_000)
