/**
 * Fault: more unconfirmed wallet transactions than any listing window, then consumers
 * SIGKILLed. Mining is paused (the stack's btc miner is frozen) while 400 payouts of one
 * account are sent, far more than the 300 recent transactions the old reconciliation
 * read; then every consumer host is killed and replaced while the payouts are still
 * unconfirmed, and mining resumes. The new owner must take over from the recorded raw
 * transactions, never from a listing, and pay each payout once.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { btcPaidCounts, btcPayouts, expectExactlyOnce, startFaultRun, statusesOf, submitAll, waitAllFinal, type FaultRun } from "../support/fault-run.ts"
import { waitUntil } from "../support/intake-client.ts"
import { freeze, thaw } from "../support/stack-process.ts"

let run: FaultRun

beforeAll(async () => {
  run = await startFaultRun({ name: "unconfirmed-backlog", ethSenders: 1, consumers: 2, btcCoins: 30 })
}, 180_000)

afterAll(async () => {
  try {
    thaw("btc-miner")
  } catch {
    // not frozen
  }
  await run?.stop()
}, 120_000)

test("400 unconfirmed payouts, then every consumer SIGKILLed: each payout lands once", async () => {
  const intake = run.intakes[0] ?? ""
  freeze("btc-miner")
  const payouts = btcPayouts(run, 400)
  const ids = await submitAll(intake, payouts)
  // Wait until most payouts are recorded and sent (none can confirm while mining is paused).
  const sent = await waitUntil(async () => {
    const s = await statusesOf(intake, ids)
    return ids.filter((id) => ["signed", "submitted"].includes(String(s.get(id)?.status))).length >= 320
  }, 120_000, 1_000)
  expect(sent).toBe(true)
  const unconfirmed = ((await statusesOf(intake, ids)).size)
  process.stderr.write(`unconfirmed-backlog: ${unconfirmed} payouts recorded with mining paused; killing every consumer\n`)
  for (const c of [...run.consumers]) c.proc.kill("SIGKILL")
  await Promise.all(run.consumers.map((c) => c.proc.exited))
  run.consumers.length = 0
  await run.startConsumer()
  await run.startConsumer()
  thaw("btc-miner")
  expect(await waitAllFinal("unconfirmed-backlog", intake, ids, 300_000)).toBe(true)
  const statuses = await statusesOf(intake, ids)
  expect(ids.filter((id) => statuses.get(id)?.status !== "confirmed")).toEqual([])
  expectExactlyOnce(await btcPaidCounts(run), payouts.map((p) => p.params.amount), "bitcoin payouts")
}, 480_000)
