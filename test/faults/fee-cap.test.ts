/**
 * The base fee jumps above the fee cap (`max_fee_gwei = 20` here) while transfers wait in
 * anvil's pool, and stays there (mining paused after one 50 gwei block): every replacement
 * offers at most the cap, the last one the cap itself, and the request says it waits for
 * the base fee to fall. When it falls the transfers are mined at the cap, each paid once.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { ethPaidCounts, expectExactlyOnce, type FaultRun, pauseMining, pooledOf, resumeMining, startFaultRun, statusesOf, submitAll, waitAllFinal } from "../support/fault-run.ts"
import { waitUntil } from "../support/intake-client.ts"

let run: FaultRun

const gwei = 1_000_000_000n
const capGwei = 20n

beforeAll(async () => {
  run = await startFaultRun({
    name: "fee-cap",
    ethSenders: 1,
    consumers: 1,
    btcCoins: 1,
    edit: (t) => t.replace(/max_fee_gwei = \d+/, `max_fee_gwei = ${capGwei}`).replace(/bump_after_s = \d+/, "bump_after_s = 2"),
  })
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

type Versions = { status?: string; reason?: string; txid?: string; versions?: { txid: string; max_fee: string }[] }

test("a base fee above the cap: replacements stop at the cap, the request says it waits, and it is mined once the fee falls", async () => {
  const intake = run.intakes[0] ?? ""
  const sender = run.senders[0] ?? ""
  const base = 71_000_000 + Math.floor(Math.random() * 1_000) * 1_000
  const bodies = [0, 1].map((i) => ({ chain: "ethereum", method: "transfer", params: { from: sender, to: run.sink, value: String(base + i) } }))
  await pauseMining(run)
  const ids = await submitAll(intake, bodies)
  expect(await waitUntil(async () => (await pooledOf(run, sender)).size === 2, 30_000, 200)).toBe(true)

  // One block at 50 gwei holds nothing of theirs; no other block comes until the test says.
  await run.eth("anvil_setNextBlockBaseFeePerGas", [`0x${(50n * gwei).toString(16)}`])
  await run.eth("evm_mine", [])
  const waiting = await waitUntil(async () => {
    const statuses = await statusesOf(intake, ids)
    return ids.every((id) => ((statuses.get(id) as Versions | undefined)?.reason ?? "").startsWith("fee cap reached"))
  }, 60_000, 500)
  const capped = await statusesOf(intake, ids)
  process.stderr.write(`fee-cap: while the base fee stood at 50 gwei: ${JSON.stringify(ids.map((id) => { const r = capped.get(id) as Versions; return { status: r.status, max_fees: r.versions?.map((v) => v.max_fee), reason: r.reason } }))}\n`)
  expect(waiting).toBe(true)
  for (const id of ids) {
    const r = capped.get(id) as Versions
    expect(r.status).toBe("submitted")
    const fees = (r.versions ?? []).map((v) => BigInt(v.max_fee))
    expect(fees.every((f) => f <= capGwei * gwei)).toBe(true)
    // Replaced once the market moved past the cap, and the replacement offers the cap itself.
    expect(fees.length).toBeGreaterThan(1)
    expect(fees.at(-1)).toBe(capGwei * gwei)
  }

  await run.eth("anvil_setNextBlockBaseFeePerGas", [`0x${gwei.toString(16)}`])
  await resumeMining(run)
  expect(await waitAllFinal("fee-cap", intake, ids, 120_000)).toBe(true)
  const final = await statusesOf(intake, ids)
  for (const id of ids) {
    const r = final.get(id) as Versions
    expect(r.status).toBe("confirmed")
    // The wait is over: a confirmed request no longer says it waits at the cap.
    expect(r.reason ?? "").not.toContain("fee cap reached")
    expect((r.versions ?? []).every((v) => BigInt(v.max_fee) <= capGwei * gwei)).toBe(true)
    expect(r.txid).toBe(r.versions?.at(-1)?.txid)
  }
  expectExactlyOnce(await ethPaidCounts(run, bodies.map((b) => b.params.value)), bodies.map((b) => b.params.value), "ethereum transfers")
}, 300_000)
