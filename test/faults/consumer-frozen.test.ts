/**
 * Fault: a consumer host frozen (SIGSTOP) past its session timeout while it holds work
 * in flight, then resumed; three times. The group gives its partitions to the other
 * consumer, whose fenced writer shuts the frozen one out: when it wakes it may not
 * record anything, and it broadcasts nothing before it has proof it still owns its
 * partition. Judged from the chains.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { btcPaidCounts, btcPayouts, ethPaidCounts, ethTransfers, expectExactlyOnce, startFaultRun, statusesOf, submitAll, waitAllFinal, type FaultRun } from "../support/fault-run.ts"

let run: FaultRun

beforeAll(async () => {
  run = await startFaultRun({ name: "consumer-frozen", ethSenders: 8, consumers: 2 })
}, 180_000)

afterAll(async () => {
  for (const c of run?.consumers ?? []) if (c.proc.exitCode === null) c.proc.kill("SIGCONT")
  await run?.stop()
}, 120_000)

test("every request ends exactly once while a consumer is frozen past its session timeout three times", async () => {
  const intake = run.intakes[0] ?? ""
  const transfers = ethTransfers(run, 60)
  const payouts = btcPayouts(run, 120)
  const ids: string[] = []
  const openAtFreeze: number[] = []
  for (let round = 0; round < 3; round++) {
    const victim = run.consumers[round % run.consumers.length]
    if (victim === undefined) break
    // A third of the work arrives, and the consumer is frozen while it is busy with it.
    ids.push(...(await submitAll(intake, transfers.slice(round * 160, (round + 1) * 160))), ...(await submitAll(intake, payouts.slice(round * 40, (round + 1) * 40))))
    await new Promise((r) => setTimeout(r, 300))
    victim.proc.kill("SIGSTOP")
    const statuses = await statusesOf(intake, ids)
    const open = ids.filter((id) => !["confirmed", "failed", "dlq"].includes(String(statuses.get(id)?.status))).length
    openAtFreeze.push(open)
    // The session timeout is 6 s: 10 s frozen is well past it.
    await new Promise((r) => setTimeout(r, 10_000))
    victim.proc.kill("SIGCONT")
    process.stderr.write(`consumer-frozen: round ${round + 1}: froze consumer pid ${victim.proc.pid} for 10 s with ${open} requests not yet final\n`)
  }
  // The freezes hit work in flight.
  expect(openAtFreeze.reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
  expect(await waitAllFinal("consumer-frozen", intake, ids, 300_000)).toBe(true)
  expectExactlyOnce(await ethPaidCounts(run, transfers.map((t) => t.params.value)), transfers.map((t) => t.params.value), "ethereum transfers")
  expectExactlyOnce(await btcPaidCounts(run), payouts.map((p) => p.params.amount), "bitcoin payouts")
  // A woken consumer found itself fenced or took its partitions over again; either way it did not stop serving.
  for (const c of run.consumers) expect(c.proc.exitCode).toBeNull()
}, 420_000)
