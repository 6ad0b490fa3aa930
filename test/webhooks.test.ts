/**
 * Webhooks end to end on the real stack: a producer host (the intake) and a consumer host
 * (executors and the notifier) of the compiled binary, with the run's own topics, anvil
 * and funded senders (test/support/fault-run.ts), and real HTTP receivers on loopback.
 *
 * The expected events are read from the results topic itself: every record of a request
 * this API key submitted, whose status a webhook subscribed to, as `<id>:<rev>`. Each
 * receiver must end with exactly that set, every delivery verified with `verifyWebhook`,
 * whatever it answered meanwhile:
 *
 * 1. receiver A answers 500 three times, then stalls once past the notifier's timeout,
 *    then accepts: every event arrives, some more than once;
 * 2. receiver C always answers 500: after `[webhooks].retry_for_s` each of its events is
 *    parked, and the API lists them, while A's deliveries went on meanwhile;
 * 3. receiver A goes down, more requests run, the consumer host is SIGKILLed with those
 *    deliveries unfinished, A comes back, a new consumer host starts: every event of the
 *    new requests still arrives (the notifier had not committed them).
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { randomUUID } from "node:crypto"
import { ownerOf } from "../src/domain/owner.ts"
import { decodeStatus } from "../src/domain/wire.ts"
import { onBatchProcessed } from "../src/adapters/kafka-transactions.ts"
import { ethTransfers, startFaultRun, submitAll, waitAllFinal, type FaultRun } from "./support/fault-run.ts"
import { get, post, apiKey, waitUntil } from "./support/intake-client.ts"
import { connectedAdmin, testCluster } from "./support/kafka-fixtures.ts"
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver.ts"

const retryForS = 25
const timeoutMs = 1_500
let run: FaultRun
let a: WebhookReceiver
let c: WebhookReceiver
const subscribedA = ["signed", "submitted", "confirmed", "failed"]
const subscribedC = ["confirmed"]

beforeAll(async () => {
  a = startWebhookReceiver()
  c = startWebhookReceiver()
  run = await startFaultRun({
    name: "webhooks",
    producers: 1,
    consumers: 1,
    btcCoins: 0,
    edit: (toml) => {
      const text = toml.replace(/^retry_for_s = \d+/m, `retry_for_s = ${retryForS}`).replace(/^timeout_ms = \d+( +# an attempt)/m, `timeout_ms = ${timeoutMs}$1`)
      if (!text.includes(`retry_for_s = ${retryForS} `) || !text.includes(`timeout_ms = ${timeoutMs} `)) throw new Error("could not set [webhooks].retry_for_s and timeout_ms in the run's config")
      return text
    },
  })
}, 240_000)

afterAll(async () => {
  a?.stop()
  c?.stop()
  await run?.stop()
}, 120_000)

/** Every request record of this key in the run's results topic, read_committed, as event ids by status. */
const expectedEvents = async (statuses: readonly string[], ids: ReadonlySet<string>): Promise<Set<string>> => {
  const cluster = await testCluster(`webhooks-readback-${randomUUID().slice(0, 8)}`)
  const admin = await connectedAdmin(cluster)
  const ends = new Map((await admin.fetchTopicOffsets(run.topics.results)).map((o) => [o.partition, BigInt(o.high)]))
  const consumer = cluster.client.consumer({ groupId: `webhooks-readback-${randomUUID()}`, maxWaitTimeInMs: 200 })
  const reached = new Map<number, bigint>()
  const out = new Set<string>()
  const owner = ownerOf(apiKey)
  onBatchProcessed(consumer, (b) => reached.set(b.partition, b.next))
  await consumer.connect()
  try {
    await consumer.subscribe({ topic: run.topics.results, fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (m.value === null || BigInt(m.offset) >= (ends.get(batch.partition) ?? 0n)) continue
          const decoded = decodeStatus(m.value.toString())
          if (!decoded.ok) continue
          const r = decoded.value
          if (r.owner === owner && (r.kind ?? "request") === "request" && statuses.includes(r.status) && ids.has(r.id)) out.add(`${r.id}:${r.rev ?? 0}`)
        }
      },
    })
    const done = await waitUntil(async () => [...ends].every(([p, end]) => end === 0n || (reached.get(p) ?? 0n) >= end), 30_000, 100)
    if (!done) throw new Error("reading the results topic back did not reach its end in 30 s")
  } finally {
    await consumer.disconnect()
    await admin.disconnect()
  }
  return out
}

const register = async (url: string, events: readonly string[]) => {
  // A 503 means the intake's webhook book is still reading the topic, moments after start.
  let res = await post(run.intakes[0] ?? "", "/v1/webhooks", { url, events })
  for (let i = 0; res.status === 503 && i < 20; i++) {
    await Bun.sleep(250)
    res = await post(run.intakes[0] ?? "", "/v1/webhooks", { url, events })
  }
  expect(res.status).toBe(201)
  return (await res.json()) as { id: string; secret: string; url: string; events: string[]; created_at: number }
}

const sorted = (s: Iterable<string>) => [...s].sort()

test("every event reaches a receiver that fails, stalls and answers 500 for a while; an endpoint that never recovers is parked and listed, and redelivered on request once fixed; a SIGKILLed notifier delivers what it had not finished", async () => {
  const intake = run.intakes[0] ?? ""
  const hookA = await register(a.url, subscribedA)
  const hookC = await register(c.url, subscribedC)
  a.setSecret(hookA.secret)
  c.setSecret(hookC.secret)
  expect(hookA.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
  const listed = await get(intake, "/v1/webhooks")
  expect((listed.body.webhooks as Array<{ id: string }>).map((w) => w.id).sort()).toEqual([hookA.id, hookC.id].sort())
  expect(JSON.stringify(listed.body)).not.toContain("whsec_")

  // Phase 1: A fails three times, then stalls past the timeout once, then accepts; C always fails.
  a.setMode({ _tag: "fail", times: 3, thenStallMs: timeoutMs + 2_000 })
  c.setMode({ _tag: "fail-always" })
  const phase1 = await submitAll(intake, ethTransfers(run, 2))
  expect(await waitAllFinal("webhooks phase 1", intake, phase1, 120_000)).toBe(true)
  const wantA1 = await expectedEvents(subscribedA, new Set(phase1))
  expect(wantA1.size).toBeGreaterThanOrEqual(phase1.length * 2)
  // The stall comes right after the third 500; the attempt it stalls is retried and accepted like the rest.
  expect(await waitUntil(async () => a.received.some((r) => r.stalled), 60_000, 100)).toBe(true)
  const gotA1 = await waitUntil(async () => [...wantA1].every((id) => a.accepted().has(id)), 90_000, 250)
  if (!gotA1) process.stderr.write(`webhooks: A is missing ${[...wantA1].filter((id) => !a.accepted().has(id)).join(", ")}\n`)
  expect(sorted(a.accepted())).toEqual(sorted(wantA1))
  expect(a.received.filter((r) => r.answered === 500).length).toBe(3)
  expect(a.received.filter((r) => r.stalled).length).toBe(1)
  // Every delivery verified, with the type its body says; redeliveries repeat an id, never invent one.
  expect(a.received.filter((r) => r.verified !== true)).toEqual([])
  expect(a.received.every((r) => r.webhookId === hookA.id && r.type.startsWith("request."))).toBe(true)
  expect(a.received.length).toBeGreaterThan(wantA1.size)

  // C: parked after retry_for_s, each confirmed event once, visible through the API.
  const wantC1 = await expectedEvents(subscribedC, new Set(phase1))
  expect(wantC1.size).toBe(phase1.length)
  const parkedPath = `/v1/webhooks/${hookC.id}/deliveries?state=parked`
  const parkedAll = await waitUntil(async () => ((await get(intake, parkedPath)).body.deliveries as unknown[]).length >= wantC1.size, (retryForS + 60) * 1000, 1_000)
  expect(parkedAll).toBe(true)
  const parked = (await get(intake, parkedPath)).body.deliveries as Array<{ event_id: string; attempts: number; last_error: string; url: string; first_attempt_at: number; parked_at: number }>
  expect(sorted(parked.map((p) => p.event_id))).toEqual(sorted(wantC1))
  for (const p of parked) {
    expect(p.attempts).toBeGreaterThanOrEqual(3)
    expect(p.last_error).toBe("HTTP 500")
    expect(p.url).toBe(c.url)
    expect(p.parked_at - p.first_attempt_at).toBeGreaterThanOrEqual(retryForS * 1000)
  }
  expect(c.received.every((r) => r.verified === true)).toBe(true)
  expect((await get(intake, `/v1/webhooks/${hookC.id}`)).body.parked).toBe(wantC1.size)
  const metrics = await (await fetch(`${intake}/metrics`)).text()
  expect(metrics).toContain(`gateway_webhook_parked ${wantC1.size}`)

  // Phase 3: A down; new requests run; the consumer host is killed with their deliveries unfinished.
  a.down()
  const consumer = run.consumers[0]
  if (consumer === undefined) throw new Error("the run has no consumer host")
  const failuresBefore = consumer.lines.filter((l) => l.event === "notifier.attempt-failed" && l.webhook === hookA.id).length
  const phase3 = await submitAll(intake, ethTransfers(run, 1))
  expect(await waitAllFinal("webhooks phase 3", intake, phase3, 120_000)).toBe(true)
  const wantA3 = await expectedEvents(subscribedA, new Set(phase3))
  expect(wantA3.size).toBeGreaterThanOrEqual(phase3.length * 2)
  // The notifier has tried A for the new events and failed (connection refused): they are pending.
  await consumer.waitFor((l) => l.event === "notifier.attempt-failed" && l.webhook === hookA.id && consumer.lines.filter((x) => x.event === "notifier.attempt-failed" && x.webhook === hookA.id).length > failuresBefore, 30_000)
  expect([...wantA3].some((id) => a.accepted().has(id))).toBe(false)
  consumer.proc.kill("SIGKILL")
  await consumer.proc.exited
  a.up()
  a.setMode({ _tag: "accept" })
  await run.startConsumer()
  const gotA3 = await waitUntil(async () => [...wantA3].every((id) => a.accepted().has(id)), 120_000, 250)
  if (!gotA3) process.stderr.write(`webhooks: after the restart A is missing ${[...wantA3].filter((id) => !a.accepted().has(id)).join(", ")}\n`)
  expect(sorted([...a.accepted()].filter((id) => !wantA1.has(id)))).toEqual(sorted(wantA3))
  expect(a.received.filter((r) => r.verified !== true)).toEqual([])

  // C is fixed: its parked deliveries are sent again on request, each verified, and unparked.
  // (Phase 3's confirmations for C may still be retried by the notifier meanwhile; only phase 1's parked ones are asked for.)
  c.setMode({ _tag: "accept" })
  const redelivered = await post(intake, `/v1/webhooks/${hookC.id}/deliveries/redeliver`, { event_ids: sorted(wantC1) })
  expect(redelivered.status).toBe(200)
  const again = (await redelivered.json()) as { delivered: number; results: Array<{ event_id: string; outcome: string }> }
  expect(again.delivered).toBe(wantC1.size)
  expect(again.results.map((r) => [r.event_id, r.outcome])).toEqual(sorted(wantC1).map((id) => [id, "delivered"]))
  expect([...wantC1].every((id) => c.accepted().has(id))).toBe(true)
  expect(c.received.every((r) => r.verified === true)).toBe(true)
  const stillParked = (await get(intake, parkedPath)).body.deliveries as Array<{ event_id: string }>
  expect(stillParked.filter((p) => wantC1.has(p.event_id))).toEqual([])

  // Deleting a webhook removes it and its parked deliveries for this key.
  const deleted = await fetch(`${intake}/v1/webhooks/${hookC.id}`, { method: "DELETE", headers: { authorization: `Bearer ${apiKey}` } })
  expect(deleted.status).toBe(204)
  expect((await get(intake, `/v1/webhooks/${hookC.id}`)).status).toBe(404)
}, 600_000)
