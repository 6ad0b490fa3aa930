/**
 * Fault: a Kafka broker SIGKILLed while requests of both chains arrive and drain. Clients
 * retry a refused or unanswered submission with the same Idempotency-Key, as the 503
 * tells them to. Every request the intake acknowledged (202, or 200 for a replay) must
 * end exactly once, and nothing else may be paid. The broker is started again at the end.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { btcPaidCounts, btcPayouts, ethPaidCounts, ethTransfers, expectExactlyOnce, startFaultRun, waitAllFinal, type FaultRun } from "../support/fault-run.ts"
import { submitUntilAcked } from "../support/intake-client.ts"
import { bringBack, stackPid } from "../support/stack-process.ts"

let run: FaultRun
const broker = "kafka-2"

beforeAll(async () => {
  run = await startFaultRun({ name: "broker-killed", ethSenders: 6, consumers: 2 })
}, 180_000)

afterAll(async () => {
  await bringBack("kafka")
  await run?.stop()
}, 120_000)

test("no acknowledged request is lost or doubled when a broker is SIGKILLed mid-run", async () => {
  const intake = run.intakes[0] ?? ""
  const transfers = ethTransfers(run, 30)
  const payouts = btcPayouts(run, 60)
  const bodies = [...transfers, ...payouts].sort(() => Math.random() - 0.5)
  const acked: string[] = []
  let killedAt = 0
  const deadline = Date.now() + 120_000
  await Promise.all(Array.from({ length: 8 }, async (_, worker) => {
    for (let i = worker; i < bodies.length; i += 8) {
      if (i === Math.floor(bodies.length / 3) && killedAt === 0) {
        killedAt = Date.now()
        process.kill(stackPid(broker), "SIGKILL")
        process.stderr.write(`broker-killed: SIGKILLed ${broker} after ${i} submissions\n`)
      }
      const id = await submitUntilAcked(intake, bodies[i], `${run.topics.group}-${i}`, deadline)
      if (id !== undefined) acked.push(id)
    }
  }))
  process.stderr.write(`broker-killed: ${acked.length} of ${bodies.length} acknowledged\n`)
  expect(killedAt).toBeGreaterThan(0)
  expect(acked.length).toBe(bodies.length)
  expect(await waitAllFinal("broker-killed", intake, acked, 300_000)).toBe(true)
  expectExactlyOnce(await ethPaidCounts(run, transfers.map((t) => t.params.value)), transfers.map((t) => t.params.value), "ethereum transfers")
  expectExactlyOnce(await btcPaidCounts(run), payouts.map((p) => p.params.amount), "bitcoin payouts")
}, 480_000)
