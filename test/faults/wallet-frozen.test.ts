/**
 * Fault: btcwallet frozen (SIGSTOP) for 20 s during a burst of both chains, then
 * resumed. Wallet calls time out while it is frozen; a signature or a send that did not
 * answer is retried with the same bytes, never built anew, so no payout is paid twice or
 * lost. Judged from the chains.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { btcPaidCounts, btcPayouts, ethPaidCounts, ethTransfers, expectExactlyOnce, startFaultRun, submitAll, waitAllFinal, type FaultRun } from "../support/fault-run.ts"
import { freezeFor, thaw } from "../support/stack-process.ts"

let run: FaultRun

beforeAll(async () => {
  // A short node timeout, so calls to the frozen wallet fail in passing within the freeze.
  run = await startFaultRun({ name: "wallet-frozen", ethSenders: 4, consumers: 2, edit: (t) => t.replace(/(name = "btc-1"[\s\S]*?timeout_ms = )\d+/, "$12000") })
}, 180_000)

afterAll(async () => {
  try {
    thaw("btcwallet")
  } catch {
    // not frozen
  }
  await run?.stop()
}, 120_000)

test("every payout ends exactly once after btcwallet was frozen for 20 s mid-burst", async () => {
  const intake = run.intakes[0] ?? ""
  const payouts = btcPayouts(run, 150)
  const transfers = ethTransfers(run, 25)
  const ids = [...(await submitAll(intake, payouts)), ...(await submitAll(intake, transfers))]
  await new Promise((r) => setTimeout(r, 1_500))
  await freezeFor("btcwallet", 20_000)
  expect(await waitAllFinal("wallet-frozen", intake, ids, 300_000)).toBe(true)
  expectExactlyOnce(await btcPaidCounts(run), payouts.map((p) => p.params.amount), "bitcoin payouts")
  expectExactlyOnce(await ethPaidCounts(run, transfers.map((t) => t.params.value)), transfers.map((t) => t.params.value), "ethereum transfers")
}, 420_000)
