/**
 * The intake's client SDK and its CLI on the real stack (issue 8, part 6): a compiled
 * producer and consumer with their own topics, anvil and wallet account (the fault-run
 * fixture). A client's day: transfers and a payout batch sent with the typed builders,
 * each followed to its end with `waitFor`, a refused transfer found with `list`, and the
 * same through `gateway send` and `gateway status`. Judged from the chains.
 *
 * The fault the SDK exists for: every answer of the intake is lost on the way back (a
 * proxy delivers each POST and drops the reply). The client retries under one
 * Idempotency-Key, gives up, and says the request's id and that it may have been
 * accepted; sending it again under that key answers the same id as a replay. `sendto`
 * gains one message, and the chain pays the value once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { join } from "node:path"
import { bitcoin, ethereum, makeGatewayClient, type GatewayClient } from "../src/client/index.ts"
import { isWebhookRejection } from "../src/domain/webhook-signature.ts"
import { topicMessageCount } from "./support/chain-clients.ts"
import { btcPaidCounts, ethPaidCounts, expectExactlyOnce, startFaultRun, type FaultRun } from "./support/fault-run.ts"
import { apiKey } from "./support/intake-client.ts"
import { startReplyDroppingProxy } from "./support/reply-dropping-proxy.ts"

let run: FaultRun
let client: GatewayClient

beforeAll(async () => {
  run = await startFaultRun({ name: "sdk", ethSenders: 1, consumers: 1, btcCoins: 6 })
  client = makeGatewayClient({ url: run.intakes[0] ?? "", apiKey, retryForMs: 20_000 })
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

/** Values of this run's own, so the chain check finds only what this file sent. */
const base = 9_000_000 + Math.floor(Math.random() * 1_000_000) * 1_000

describe("client SDK on the real stack", () => {
  test("a client's day: typed sends and a batch, waitFor to the end, the refused one found by list; each paid once on chain", async () => {
    const [sender = ""] = run.senders
    const values = [0, 1, 2, 3].map((i) => BigInt(base + i))
    const sent = await Promise.all(values.map((value, i) => client.send(ethereum.transfer({ from: sender, to: run.sink, value }), { idempotencyKey: `sdk-day-${base}-${i}` })))
    for (const s of sent) expect(s).toMatchObject({ ok: true, _tag: "Accepted", replayed: false })
    const ids = sent.map((s) => (s.ok ? s.id : ""))
    // The id is known before the answer: derived from the API key and the Idempotency-Key.
    expect(ids).toEqual(values.map((_, i) => client.idFor(`sdk-day-${base}-${i}`)))

    const refused = await client.send(ethereum.transfer({ from: sender, to: run.sink, value: 10n ** 30n }))
    expect(refused.ok).toBe(true)
    const refusedId = refused.ok ? refused.id : ""

    const amounts = [0, 1, 2].map((i) => (0.002 + (base % 1000) * 1e-6 + i * 1e-8).toFixed(8))
    const batch = await client.sendBatch(amounts.map((amount) => bitcoin.sendFrom(run.account, run.target, amount)))
    expect(batch).toMatchObject({ ok: true, _tag: "BatchAccepted" })
    const batchIds = batch.ok ? batch.ids : []
    expect(batchIds.length).toBe(3)

    const outcomes = await Promise.all([...ids, ...batchIds].map((id) => client.waitFor(id, "confirmed", { timeoutMs: 150_000 })))
    expect(outcomes.map((o) => o._tag)).toEqual([...ids, ...batchIds].map(() => "Reached"))
    const refusedEnd = await client.waitFor(refusedId, "confirmed", { timeoutMs: 60_000 })
    expect(refusedEnd._tag).toBe("EndedElsewhere")
    expect(refusedEnd._tag === "EndedElsewhere" ? [refusedEnd.request.status, refusedEnd.request.reason] : []).toEqual(["failed", expect.stringContaining("insufficient-funds")])

    const failed: string[] = []
    for await (const r of client.list({ status: "failed", sender, limit: 2 })) failed.push(r.id)
    expect(failed).toEqual([refusedId])
    const counts = await client.batch(batch.ok ? batch.batchId : "")
    expect(counts).toMatchObject({ ok: true, batch: { total: 3, counts: { confirmed: 3 } } })

    expectExactlyOnce(await ethPaidCounts(run, values.map(String)), values.map(String), "SDK transfers")
    expect((await ethPaidCounts(run, [String(10n ** 30n)])).size).toBe(0)
    const paid = await btcPaidCounts(run)
    expectExactlyOnce(new Map(amounts.map((a) => [a, paid.get(a) ?? 0])), amounts, "SDK payouts")
  }, 300_000)

  test("every answer lost on the way back: the client gives up with the id, the resend under its key is a replay, and it is paid once", async () => {
    const intake = run.intakes[0] ?? ""
    const proxy = startReplyDroppingProxy(intake)
    const [sender = ""] = run.senders
    const value = BigInt(base + 500)
    const body = ethereum.transfer({ from: sender, to: run.sink, value })
    const before = await topicMessageCount(run.topics.requests)
    try {
      const blind = makeGatewayClient({ url: proxy.url, apiKey, attemptTimeoutMs: 1_500, retryForMs: 6_000 })
      const lost = await blind.send(body)
      expect(lost).toMatchObject({ ok: false, _tag: "Unavailable", mayHaveBeenAccepted: true })
      if (lost.ok || lost._tag !== "Unavailable") throw new Error("unreachable: checked above")
      expect(lost.attempts).toBeGreaterThanOrEqual(2)
      expect(proxy.delivered()).toBeGreaterThanOrEqual(2)

      const again = await client.send(body, { idempotencyKey: lost.idempotencyKey })
      expect(again).toMatchObject({ ok: true, _tag: "Accepted", id: lost.id, replayed: true })
      expect((await client.waitFor(lost.id, "confirmed", { timeoutMs: 120_000 }))._tag).toBe("Reached")
    } finally {
      await proxy.close()
    }
    expect((await topicMessageCount(run.topics.requests)) - before).toBe(1)
    expectExactlyOnce(await ethPaidCounts(run, [String(value)]), [String(value)], "transfer whose answers were lost")
  }, 180_000)

  test("gateway send --wait and gateway status from the compiled binary", async () => {
    const intake = run.intakes[0] ?? ""
    const [sender = ""] = run.senders
    const value = String(base + 700)
    const cli = async (args: ReadonlyArray<string>) => {
      const proc = Bun.spawn([join(run.dir, "gateway"), ...args], { cwd: run.dir, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin", HOME: run.dir, GATEWAY_URL: intake, GATEWAY_API_KEY: apiKey } })
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
      return { stdout, stderr, code }
    }
    const send = await cli(["send", "ethereum", "transfer", "--from", sender, "--to", run.sink, "--value", value, "--until", "confirmed", "--idempotency-key", `sdk-cli-${base}`])
    expect(send.code).toBe(0)
    const id = client.idFor(`sdk-cli-${base}`)
    expect(send.stdout).toContain(`accepted: ${id}`)
    expect(send.stdout).toContain(`${id} confirmed`)

    const shown = await cli(["status", id, "--json"])
    expect(shown.code).toBe(0)
    const view = JSON.parse(shown.stdout) as { request: { status: string; history: Array<{ status: string }> } }
    expect(view.request.status).toBe("confirmed")
    expect(view.request.history.map((t) => t.status)).toEqual(expect.arrayContaining(["accepted", "signed", "confirmed"]))

    const listed = await cli(["status", "--list", "--status", "failed", "--sender", sender])
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain("insufficient-funds")

    const bad = await cli(["send", "bitcoin", "sendtoaddress", "--address", "nope", "--amount", "0.1"])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain("params.address")
    const missing = await cli(["status", "00000000-0000-8000-8000-000000000000"])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("no request with id")

    // A batch from a file, followed by its counts until every request is confirmed.
    const batchValues = [1, 2, 3].map((i) => String(base + 710 + i))
    await Bun.write(join(run.dir, "batch.json"), JSON.stringify({ requests: batchValues.map((v) => ({ chain: "ethereum", method: "transfer", params: { from: sender, to: run.sink, value: v } })) }))
    const batch = await cli(["send", "--file", "batch.json", "--until", "confirmed", "--idempotency-key", `sdk-cli-batch-${base}`])
    expect(batch.code).toBe(0)
    expect(batch.stdout).toContain("3 of 3 ended")
    expect(batch.stderr).toContain("[##############################] 3/3")

    expectExactlyOnce(await ethPaidCounts(run, [value, ...batchValues]), [value, ...batchValues], "transfers sent with gateway send")
  }, 180_000)

  test("a webhook registered with the SDK hears the confirmation, and the SDK verifies it; after a rotation, under both secrets, then under the new one only", async () => {
    const [sender = ""] = run.senders
    const got: Array<{ readonly headers: Headers; readonly body: string }> = []
    const receiver = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: async (req) => (got.push({ headers: req.headers, body: await req.text() }), new Response("ok")) })
    try {
      const made = await client.webhooks.register({ url: `http://127.0.0.1:${receiver.port}/events`, events: ["confirmed"] })
      if (!made.ok) throw new Error(`not registered: ${JSON.stringify(made)}`)
      const secret = made.value.secret ?? ""
      expect(secret).toStartWith("whsec_")
      const sent = await client.send(ethereum.transfer({ from: sender, to: run.sink, value: BigInt(base + 900) }))
      if (!sent.ok) throw new Error(`not accepted: ${JSON.stringify(sent)}`)
      expect((await client.waitFor(sent.id, "confirmed", { timeoutMs: 60_000 }))._tag).toBe("Reached")
      const deadline = Date.now() + 60_000
      while (!got.some((g) => g.body.includes(sent.id)) && Date.now() < deadline) await Bun.sleep(200)
      const delivery = got.find((g) => g.body.includes(sent.id))
      if (delivery === undefined) throw new Error(`no delivery for ${sent.id} within 60 s; got ${got.length}`)
      const verified = client.verifyWebhook(delivery.headers, delivery.body, secret)
      expect(verified).toMatchObject({ eventId: expect.stringContaining(sent.id) })
      expect(client.verifyWebhook(delivery.headers, delivery.body, "whsec_wrong")).toMatchObject({ reason: "bad-signature" })
      expect(JSON.parse(delivery.body)).toMatchObject({ type: "request.confirmed", data: { id: sent.id, status: "confirmed" } })

      // A rotation keeps the old secret signing beside the new one; a rotation with keepPreviousS 0 ends the old one at once.
      const deliveryOf = async (value: bigint) => {
        const next = await client.send(ethereum.transfer({ from: sender, to: run.sink, value }))
        if (!next.ok) throw new Error(`not accepted: ${JSON.stringify(next)}`)
        expect((await client.waitFor(next.id, "confirmed", { timeoutMs: 60_000 }))._tag).toBe("Reached")
        const until = Date.now() + 60_000
        while (!got.some((g) => g.body.includes(next.id)) && Date.now() < until) await Bun.sleep(200)
        const found = got.find((g) => g.body.includes(next.id))
        if (found === undefined) throw new Error(`no delivery for ${next.id} within 60 s`)
        return (key: string) => !isWebhookRejection(client.verifyWebhook(found.headers, found.body, key))
      }
      const rotated = await client.webhooks.rotateSecret(made.value.id, { keepPreviousS: 600 })
      if (!rotated.ok) throw new Error(`not rotated: ${JSON.stringify(rotated)}`)
      expect(rotated.value.secret).not.toBe(secret)
      const during = await deliveryOf(BigInt(base + 901))
      expect([during(rotated.value.secret), during(secret)]).toEqual([true, true])
      const ended = await client.webhooks.rotateSecret(made.value.id, { keepPreviousS: 0 })
      if (!ended.ok) throw new Error(`not rotated: ${JSON.stringify(ended)}`)
      expect(ended.value.previous_secret_until).toBeNull()
      const after = await deliveryOf(BigInt(base + 902))
      expect([after(ended.value.secret), after(rotated.value.secret), after(secret)]).toEqual([true, false, false])
      expect(await client.webhooks.list()).toMatchObject({ ok: true, value: [{ id: made.value.id, rotated_at: ended.value.rotated_at }] })
      expect(await client.webhooks.remove(made.value.id)).toMatchObject({ ok: true })
    } finally {
      await receiver.stop(true)
    }
  }, 120_000)
})
