/**
 * Cancel (issue 8, part 5) on the real stack: compiled producer and consumer with their
 * own topics, anvil and wallet account. The run's anvil mines nothing until the test says
 * so, and a sender may have 4 nonces in flight, so of 8 transfers, 4 are signed and wait
 * in the node's pool and 4 wait, accepted, in the executor.
 *
 * - One accepted transfer is cancelled: the executor skips it when its turn comes
 *   (`cancelled`, "before it was signed"), and later transfers of the sender still go.
 * - One signed, unmined transfer is cancelled: the executor replaces it at its nonce with
 *   a zero-value self-transfer with higher fees; once blocks come, the replacement is
 *   mined and the request ends `cancelled`, with the replacement's txid.
 * - A confirmed transfer and a Bitcoin payment already broadcast answer 409 (the
 *   payment may be confirmed by the time the DELETE arrives; the 409 then says that).
 *
 * Judged from the chain: the cancelled values never reach the sink, every other value
 * reaches it once, and the replaced nonce holds a zero-value self-transfer.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { bitcoin, ethereum, makeGatewayClient, type GatewayClient } from "../src/client/index.ts"
import { ethPaidCounts, expectExactlyOnce, startFaultRun, type FaultRun } from "./support/fault-run.ts"
import { apiKey, waitUntil } from "./support/intake-client.ts"

const inFlight = 4
let run: FaultRun
let client: GatewayClient

beforeAll(async () => {
  run = await startFaultRun({
    name: "cancel",
    ethSenders: 1,
    consumers: 1,
    btcCoins: 2,
    anvilMining: "auto",
    edit: (toml) => toml.replace(/max_in_flight_per_sender = \d+/, `max_in_flight_per_sender = ${inFlight}`),
  })
  client = makeGatewayClient({ url: run.intakes[0] ?? "", apiKey })
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

const cancel = async (id: string) => {
  const res = await fetch(`${run.intakes[0]}/v1/requests/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${apiKey}` } })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const statusOf = async (id: string) => {
  const answer = await client.status(id)
  return answer._tag === "Found" ? answer.request : undefined
}

test("cancel before signing skips the request; cancel after signing replaces it at its nonce; each cancelled value never reaches the chain", async () => {
  const [sender = ""] = run.senders
  expect(run.consumers.length).toBe(1)
  await run.eth("evm_setAutomine", [false])
  const base = 5_000_000 + Math.floor(Math.random() * 1_000_000) * 100
  const values = Array.from({ length: 2 * inFlight }, (_, i) => String(base + i))
  const batch = await client.sendBatch(values.map((value) => ethereum.transfer({ from: sender, to: run.sink, value })))
  if (!batch.ok) throw new Error(`the batch was not accepted: ${JSON.stringify(batch)}`)
  const ids = batch.ids

  // The first `inFlight` are signed and sent (the node holds them unmined); the rest wait.
  const held = await waitUntil(async () => {
    const states = await Promise.all(ids.map(statusOf))
    return states.slice(0, inFlight).every((s) => s?.status === "submitted") && states.slice(inFlight).every((s) => s?.status === "accepted")
  }, 60_000)
  expect(held).toBe(true)

  const waiting = ids[inFlight + 1] ?? ""
  const signed = ids[1] ?? ""
  const asked = await cancel(waiting)
  expect([asked.status, asked.body.cancel, asked.body.status]).toEqual([202, "requested", "accepted"])
  expect(await client.cancel(signed)).toMatchObject({ ok: true, _tag: "CancelRequested", status: "submitted", replayed: false })
  expect(await client.cancel(signed)).toMatchObject({ ok: true, replayed: true })

  // The executor signs the replacement of the signed one before anything is mined.
  const replaced = await waitUntil(async () => ((await statusOf(signed))?.versions ?? []).some((v) => v.cancel === true), 30_000)
  expect(replaced).toBe(true)

  await run.eth("evm_setIntervalMining", [1])
  const ends = await Promise.all(ids.map((id) => client.waitFor(id, "final", { timeoutMs: 120_000 })))
  const finals = ends.map((e) => (e._tag === "Reached" ? e.request : undefined))
  const byId = new Map(ids.map((id, i) => [id, finals[i]]))
  expect(byId.get(waiting)).toMatchObject({ status: "cancelled", reason: expect.stringContaining("before it was signed") })
  expect(byId.get(signed)).toMatchObject({ status: "cancelled", reason: expect.stringContaining("zero-value self-transfer") })
  const others = ids.filter((id) => id !== waiting && id !== signed)
  expect(others.map((id) => byId.get(id)?.status)).toEqual(others.map(() => "confirmed"))

  // The chain: the replaced nonce holds a zero-value self-transfer; cancelled values never paid; the rest once.
  const replacement = (await run.eth("eth_getTransactionByHash", [byId.get(signed)?.txid])) as { from: string; to: string; value: string; nonce: string; blockNumber: string | null }
  expect([replacement.to.toLowerCase(), BigInt(replacement.value), Number(replacement.nonce), replacement.blockNumber !== null]).toEqual([sender.toLowerCase(), 0n, byId.get(signed)?.nonce ?? -1, true])
  const cancelledValues = [values[1] ?? "", values[inFlight + 1] ?? ""]
  expect((await ethPaidCounts(run, cancelledValues)).size).toBe(0)
  const paidValues = values.filter((v) => !cancelledValues.includes(v))
  expectExactlyOnce(await ethPaidCounts(run, paidValues), paidValues, "transfers not cancelled")

  // Too late: a confirmed transfer cannot be cancelled.
  const late = await cancel(others[0] ?? "")
  expect([late.status, late.body.error]).toEqual([409, "not_cancellable"])
  expect(await client.cancel(others[0] ?? "")).toMatchObject({ ok: false, _tag: "NotCancellable", status: "confirmed" })
}, 300_000)

test("a Bitcoin payment already broadcast answers 409 and stays paid", async () => {
  const sent = await client.send(bitcoin.sendFrom(run.account, run.target, "0.0031"))
  if (!sent.ok) throw new Error(`not accepted: ${JSON.stringify(sent)}`)
  expect(await client.waitFor(sent.id, "submitted", { timeoutMs: 60_000 })).toMatchObject({ _tag: "Reached" })
  const answer = await cancel(sent.id)
  expect(answer.status).toBe(409)
  // A block (every 2 s here) may confirm it between the wait and the DELETE: then the 409 says so instead.
  expect(String(answer.body.message)).toContain(answer.body.status === "confirmed" ? "already confirmed" : "cannot be called back")
  // The whole answer on a failure: which status it ended in, and why.
  expect(await client.waitFor(sent.id, "confirmed", { timeoutMs: 60_000 })).toMatchObject({ _tag: "Reached", request: { status: "confirmed" } })
}, 120_000)
