/**
 * Fault: the same request reaches `sendto` several times. Eight concurrent POSTs of each
 * request with one Idempotency-Key are spread over two intake processes, so each intake
 * publishes its own copy; the partition's executor must carry out each request id once.
 * Judged from the chains.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { topicMessageCount } from "../support/chain-clients.ts"
import { btcPaidCounts, btcPayouts, ethPaidCounts, ethTransfers, expectExactlyOnce, startFaultRun, waitAllFinal, type FaultRun } from "../support/fault-run.ts"
import { post } from "../support/intake-client.ts"

let run: FaultRun

beforeAll(async () => {
  run = await startFaultRun({ name: "repeated-key", ethSenders: 4, producers: 2, consumers: 1 })
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

test("a request whose copies reach sendto from two intakes takes effect once", async () => {
  const transfers = ethTransfers(run, 5)
  const payouts = btcPayouts(run, 20)
  const bodies = [...transfers, ...payouts]
  const ids = new Set<string>()
  await Promise.all(bodies.map(async (body, i) => {
    const key = `${run.topics.group}-${i}`
    const answers = await Promise.all(Array.from({ length: 8 }, (_, k) => post(run.intakes[k % 2] ?? "", "/v1/requests", body, { "idempotency-key": key })))
    for (const a of answers) {
      expect([200, 202]).toContain(a.status)
      ids.add(String(((await a.json()) as { id: string }).id))
    }
  }))
  expect(ids.size).toBe(bodies.length)
  // Each intake published its own copy at least once (the point of the test): more messages than requests.
  const copies = await topicMessageCount(run.topics.requests)
  process.stderr.write(`repeated-key: ${copies} messages in ${run.topics.requests} for ${bodies.length} requests\n`)
  expect(copies).toBeGreaterThan(bodies.length)
  expect(await waitAllFinal("repeated-key", run.intakes[0] ?? "", [...ids], 300_000)).toBe(true)
  expectExactlyOnce(await ethPaidCounts(run, transfers.map((t) => t.params.value)), transfers.map((t) => t.params.value), "ethereum transfers")
  expectExactlyOnce(await btcPaidCounts(run), payouts.map((p) => p.params.amount), "bitcoin payouts")
}, 420_000)
