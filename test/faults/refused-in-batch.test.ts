/**
 * Fault: the node refuses one send of a JSON-RPC batch that carries the sends of other
 * senders. On one host with both roles, eight senders send ten transfers each at once, so
 * after each commit their broadcasts share batches (send-batches.ts); one transfer in the
 * middle of one sender's run is for more than the sender holds.
 *
 * What must hold: the refusal is that request's alone: it ends `failed` with the node's
 * reason, every other transfer (its own sender's later ones and the other senders' that
 * rode in the same batches) confirms, each value is paid once and the refused one never.
 * Judged from the statuses and the chain; the host's own counts show that sends did share
 * batches (gateway_ethereum_send_batches_total, gateway_ethereum_sends_batched_total).
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { metricSum, parseMetricsText } from "../../bench/lib/gateway-under-test.ts"
import { ethPaidCounts, expectExactlyOnce, type FaultRun, startOneHostRun, statusesOf, submitAll, waitAllFinal } from "../support/fault-run.ts"

let run: FaultRun

beforeAll(async () => {
  run = await startOneHostRun("refused-in-batch")
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

/** A counter of the host's for eth-1, from its /metrics (0 before it has counted anything). */
const nodeMetric = async (intake: string, name: string): Promise<number> =>
  metricSum(parseMetricsText(await (await fetch(`${intake}/metrics`)).text()), name, { node: "eth-1" })

test("a send the node refuses inside a shared batch fails alone; every other send of the batch confirms", async () => {
  const intake = run.intakes[0] ?? ""
  const base = 11_000_000 + Math.floor(Math.random() * 1_000_000) * 1_000
  const tooMuch = "1000000000000000000000000000007"
  const refusing = run.senders[3] ?? ""
  const transfers = run.senders.flatMap((from, s) =>
    Array.from({ length: 10 }, (_, i) => ({ from, value: from === refusing && i === 4 ? tooMuch : String(base + s * 100 + i) })),
  )
  // Interleaved over the senders and sent as one batch, so the eight senders' runs start together.
  const order = Array.from({ length: 10 }, (_, i) => run.senders.map((_, s) => transfers[s * 10 + i])).flat()
  const bodies = order.map((t) => ({ chain: "ethereum", method: "transfer", params: { from: t?.from, to: run.sink, value: t?.value } }))
  const batchesBefore = await nodeMetric(intake, "gateway_ethereum_send_batches_total")
  const batchedBefore = await nodeMetric(intake, "gateway_ethereum_sends_batched_total")
  const ids = await submitAll(intake, bodies, bodies.length)

  expect(await waitAllFinal("refused-in-batch", intake, ids, 240_000)).toBe(true)
  const statuses = await statusesOf(intake, ids)
  const refusedId = ids[order.findIndex((t) => t?.value === tooMuch)] ?? ""
  expect(statuses.get(refusedId)?.status).toBe("failed")
  expect(String(statuses.get(refusedId)?.reason)).toContain("insufficient-funds")
  const others = ids.filter((id) => id !== refusedId)
  expect(others.map((id) => statuses.get(id)?.status)).toEqual(others.map(() => "confirmed"))

  const good = transfers.filter((t) => t.value !== tooMuch).map((t) => t.value)
  expectExactlyOnce(await ethPaidCounts(run, good), good, "transfers that shared batches with a refusal")
  expect((await ethPaidCounts(run, [tooMuch])).size).toBe(0)

  // The sends did share batches (29 to 55 of the 80 in trial runs; whether the refused one
  // rode in one is up to timing, and the unit tests of send-batches.ts pin that case).
  const batches = (await nodeMetric(intake, "gateway_ethereum_send_batches_total")) - batchesBefore
  const batched = (await nodeMetric(intake, "gateway_ethereum_sends_batched_total")) - batchedBefore
  expect(batches).toBeGreaterThan(0)
  expect(batched).toBeGreaterThanOrEqual(2 * batches)
}, 300_000)
