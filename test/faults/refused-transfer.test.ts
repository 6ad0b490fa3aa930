/**
 * Fault: an Ethereum transfer the node refuses at broadcast (its value is more than the
 * sender holds), followed by 20 more transfers of the same sender, while Bitcoin payouts
 * are in flight too. The refused one must end `failed` with the node's reason, and its
 * nonce must not jam the sender: all 20 later transfers confirm. Judged from the chain:
 * each value appears once, the refused one never. A second sender then has two refusals
 * in a row and a third between its good transfers: each refused nonce is taken by the
 * next transfer, so the refusals neither jam the sender nor leave a gap.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { btcPaidCounts, btcPayouts, ethPaidCounts, expectExactlyOnce, startFaultRun, statusesOf, submitAll, waitAllFinal, type FaultRun } from "../support/fault-run.ts"
import { post } from "../support/intake-client.ts"

let run: FaultRun

beforeAll(async () => {
  run = await startFaultRun({ name: "refused", ethSenders: 2, consumers: 1 })
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

test("a refused transfer fails with the node's reason and its sender's next 20 transfers all confirm", async () => {
  const intake = run.intakes[0] ?? ""
  const [sender] = run.senders
  const base = 7_000_000 + Math.floor(Math.random() * 1_000_000) * 1_000
  // 10^30 wei is far more than the sender's 1,000 ether: the node refuses it for insufficient funds.
  const refused = await post(intake, "/v1/requests", { chain: "ethereum", method: "transfer", params: { from: sender, to: run.sink, value: "1000000000000000000000000000000" } })
  expect(refused.status).toBe(202)
  const refusedId = String(((await refused.json()) as { id: string }).id)
  const values = Array.from({ length: 20 }, (_, i) => String(base + i))
  const later = await submitAll(intake, values.map((value) => ({ chain: "ethereum", method: "transfer", params: { from: sender, to: run.sink, value } })))
  const payouts = btcPayouts(run, 20)
  const btcIds = await submitAll(intake, payouts)

  expect(await waitAllFinal("refused", intake, [refusedId, ...later, ...btcIds], 240_000)).toBe(true)
  const statuses = await statusesOf(intake, [refusedId, ...later])
  const first = statuses.get(refusedId)
  expect(first?.status).toBe("failed")
  expect(String(first?.reason)).toContain("insufficient-funds")
  expect(later.map((id) => statuses.get(id)?.status)).toEqual(later.map(() => "confirmed"))

  expectExactlyOnce(await ethPaidCounts(run, values), values, "ethereum transfers")
  const refusedOnChain = await ethPaidCounts(run, ["1000000000000000000000000000000"])
  expect(refusedOnChain.size).toBe(0)
  expectExactlyOnce(await btcPaidCounts(run), payouts.map((p) => p.params.amount), "bitcoin payouts")
}, 300_000)

test("two refusals in a row, and another between good transfers, jam nothing", async () => {
  const intake = run.intakes[0] ?? ""
  const sender = run.senders[1] ?? ""
  const base = 9_000_000 + Math.floor(Math.random() * 1_000_000) * 1_000
  const tooMuch = ["1000000000000000000000000000001", "1000000000000000000000000000002", "1000000000000000000000000000003"]
  const good = Array.from({ length: 20 }, (_, i) => String(base + i))
  const transfer = (value: string) => ({ chain: "ethereum", method: "transfer", params: { from: sender, to: run.sink, value } })
  // One batch keeps the order: refused, refused, 10 good, refused, 10 good.
  const bodies = [transfer(tooMuch[0] ?? ""), transfer(tooMuch[1] ?? ""), ...good.slice(0, 10).map(transfer), transfer(tooMuch[2] ?? ""), ...good.slice(10).map(transfer)]
  const ids = await submitAll(intake, bodies, bodies.length)
  expect(await waitAllFinal("refused-twice", intake, ids, 240_000)).toBe(true)
  const statuses = await statusesOf(intake, ids)
  const refusedIds = [ids[0], ids[1], ids[12]].map(String)
  for (const id of refusedIds) {
    expect(statuses.get(id)?.status).toBe("failed")
    expect(String(statuses.get(id)?.reason)).toContain("insufficient-funds")
  }
  const goodIds = ids.filter((id) => !refusedIds.includes(id))
  expect(goodIds.map((id) => statuses.get(id)?.status)).toEqual(goodIds.map(() => "confirmed"))
  expectExactlyOnce(await ethPaidCounts(run, good), good, "transfers after refusals")
  expect((await ethPaidCounts(run, tooMuch)).size).toBe(0)
  // No nonce was skipped: the sender's mined count covers its 20 transfers, and a gap would have left them pending.
  expect(Number(await run.eth("eth_getTransactionCount", [sender, "latest"]))).toBeGreaterThanOrEqual(20)
}, 300_000)
