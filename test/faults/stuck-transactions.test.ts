/**
 * Faults on the Ethereum pool, on the run's own anvil:
 * - transactions dropped from the pool (`anvil_dropTransaction`, which also drops the
 *   sender's later nonces that depend on them) while mining is paused: the tracker sees
 *   the node forgot them and sends the same recorded bytes again;
 * - transactions priced under the base fee (it jumps to 50 gwei while they wait in the
 *   pool): after `bump_after_s` they are signed again at the same nonce with higher fees,
 *   recorded, and sent; the sender's later nonces follow.
 * Every request confirms once; the chain holds each value once.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { ethPaidCounts, expectExactlyOnce, type FaultRun, pauseMining, pooledOf, startFaultRun, statusesOf, submitAll, waitAllFinal } from "../support/fault-run.ts"
import { waitUntil } from "../support/intake-client.ts"

let run: FaultRun

beforeAll(async () => {
  run = await startFaultRun({ name: "stuck", ethSenders: 2, consumers: 1, btcCoins: 1, edit: (t) => t.replace(/bump_after_s = \d+/, "bump_after_s = 2") })
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

const transfersOf = (from: string, count: number, base: number) =>
  Array.from({ length: count }, (_, i) => ({ chain: "ethereum", method: "transfer", params: { from, to: run.sink, value: String(base + i) } }))

test("transactions dropped from the pool are sent again and confirm", async () => {
  const intake = run.intakes[0] ?? ""
  const [sender] = run.senders
  const bodies = transfersOf(sender ?? "", 6, 31_000_000 + Math.floor(Math.random() * 1_000) * 1_000)
  await pauseMining(run)
  const ids = await submitAll(intake, bodies)
  expect(await waitUntil(async () => (await pooledOf(run, sender ?? "")).size === 6, 30_000, 200)).toBe(true)
  const pool = await pooledOf(run, sender ?? "")
  for (const nonce of [0, 3]) await run.eth("anvil_dropTransaction", [pool.get(nonce)?.hash])
  // anvil drops a transaction together with those that depend on it (its later nonces).
  const left = (await pooledOf(run, sender ?? "")).size
  process.stderr.write(`stuck/dropped: dropped nonces 0 and 3; the pool holds ${left} of the sender's 6 transactions\n`)
  expect(left).toBeLessThan(6)
  await run.eth("evm_setAutomine", [true])
  expect(await waitAllFinal("stuck/dropped", intake, ids, 120_000)).toBe(true)
  const statuses = await statusesOf(intake, ids)
  expect(ids.map((id) => statuses.get(id)?.status)).toEqual(ids.map(() => "confirmed"))
  expectExactlyOnce(await ethPaidCounts(run, bodies.map((b) => b.params.value)), bodies.map((b) => b.params.value), "ethereum transfers")
}, 240_000)

test("transactions priced under a jumped base fee are signed again with higher fees and confirm, later nonces too", async () => {
  const intake = run.intakes[0] ?? ""
  const sender = run.senders[1] ?? ""
  const bodies = transfersOf(sender, 5, 41_000_000 + Math.floor(Math.random() * 1_000) * 1_000)
  await pauseMining(run)
  const ids = await submitAll(intake, bodies)
  expect(await waitUntil(async () => (await pooledOf(run, sender)).size === 5, 30_000, 200)).toBe(true)
  // The next block's base fee jumps to 50 gwei: far above what the pooled transactions offer.
  await run.eth("anvil_setNextBlockBaseFeePerGas", ["0xba43b7400"])
  await run.eth("evm_setAutomine", [true])
  expect(await waitAllFinal("stuck/underpriced", intake, ids, 180_000)).toBe(true)
  const statuses = await statusesOf(intake, ids)
  expect(ids.map((id) => statuses.get(id)?.status)).toEqual(ids.map(() => "confirmed"))
  // Every one was replaced: more than one signed version, the mined one the last.
  for (const id of ids) {
    const r = statuses.get(id) as { versions?: { txid: string; max_fee: string }[]; txid?: string }
    expect((r.versions ?? []).length).toBeGreaterThan(1)
    expect(BigInt(r.versions?.at(-1)?.max_fee ?? "0")).toBeGreaterThanOrEqual(50_000_000_000n)
  }
  expectExactlyOnce(await ethPaidCounts(run, bodies.map((b) => b.params.value)), bodies.map((b) => b.params.value), "ethereum transfers")
}, 300_000)
