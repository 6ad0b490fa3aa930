/**
 * Fault: the whole gateway of a single-host deployment (one process with both roles, as
 * `npm start` runs it) is SIGKILLed while transfers it signed and sent wait for their
 * block, and started again on the same config, three times. Anvil mines a block a second
 * without automine, so each kill meets requests signed or submitted and not yet mined.
 *
 * The started process reads its status store back from disk and takes its partitions
 * over; its consumer resumes after the committed offsets, which are past every request
 * already signed, so those requests are found again only in the store, by partition. On
 * 6 December the store kept the intake's partition -1 for them (see
 * `writer-fenced-one-host.test.ts`), and a restarted host would have tracked none.
 * Judged from the takeovers' own reports, the statuses, and the chains.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { btcPaidCounts, btcPayouts, countRecordedUnfinished, ethPaidCounts, ethTransfers, expectExactlyOnce, type FaultRun, startOneHostRun, submitAll, waitAllFinal } from "../support/fault-run.ts"
import { waitUntil } from "../support/intake-client.ts"

let run: FaultRun
const kills = 3

beforeAll(async () => {
  run = await startOneHostRun("one-host-killed")
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

test("a single host with both roles, SIGKILLed three times with transfers in flight and started again, ends every request exactly once", async () => {
  const intake = run.intakes[0] ?? ""
  const transfers = ethTransfers(run, 48)
  const payouts = btcPayouts(run, 60)
  const bodies = [...transfers, ...payouts].sort(() => Math.random() - 0.5)
  const per = Math.ceil(bodies.length / kills)
  const ids: string[] = []
  const inFlightAtKill: number[] = []
  const pickedUp: number[] = []
  for (let k = 0; k < kills; k++) {
    const sent = await submitAll(intake, bodies.slice(k * per, (k + 1) * per))
    ids.push(...sent)
    // Kill once some of this round are recorded and sent but not mined.
    let inFlight = 0
    await waitUntil(async () => (inFlight = await countRecordedUnfinished(intake, sent)) > 0, 30_000, 100)
    inFlightAtKill.push(inFlight)
    const restarted = await run.restartProducer(0)
    // Its takeovers, once the group has given it the partitions again (after the dead member's session).
    await waitUntil(async () => restarted.lines.filter((l) => l.event === "partition-consumer.taken-over").length >= 12, 60_000, 250)
    pickedUp.push(restarted.lines.filter((l) => l.event === "partition-consumer.taken-over").reduce((n, l) => n + Number(l.unfinished ?? 0), 0))
  }
  process.stderr.write(`one-host-killed: in flight at each kill ${inFlightAtKill.join(", ")}; picked up by each restarted host ${pickedUp.join(", ")}; ${ids.length} requests\n`)
  expect(Math.min(...inFlightAtKill)).toBeGreaterThan(0)

  expect(await waitAllFinal("one-host-killed", intake, ids, 240_000)).toBe(true)
  expectExactlyOnce(await ethPaidCounts(run, transfers.map((t) => t.params.value)), transfers.map((t) => t.params.value), "ethereum transfers")
  expectExactlyOnce(await btcPaidCounts(run), payouts.map((p) => p.params.amount), "bitcoin payouts")
  expect(run.producers[0]?.proc.exitCode).toBeNull()
}, 600_000)
