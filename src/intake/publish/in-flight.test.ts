/**
 * Concurrent repeats of one Idempotency-Key publish one copy (issue 7): through the
 * in-process app, with a publish that holds every call open until the test settles it.
 */
import { describe, expect, test } from "bun:test"
import { idempotentId } from "../request-id.ts"
import { sampleAddresses } from "../validate/sample-addresses.ts"
import { openStatusStore } from "../../status/store.ts"
import { heldPublish } from "./held-publish.fixture.ts"
import { makeInFlight } from "./in-flight.ts"
import { intakeHarness, testApiKey } from "../intake-harness.fixture.ts"
import type { IntakeLimits } from "../intake-deps.ts"
import { acceptedRecord } from "../../kafka/request-publisher.ts"

const sim = sampleAddresses("simnet")
const pay = (amount: string) => ({ chain: "bitcoin", method: "sendtoaddress", params: { address: sim.p2wpkh, amount } }) as const
const key = { "idempotency-key": "payroll-2026-11-42" }
const id = idempotentId(testApiKey, "payroll-2026-11-42")

/** An intake whose publish the test holds; an ack makes the requests "accepted" in its view, as the real publisher does. */
const heldIntake = (options: { readonly inKafka?: boolean; readonly limits?: Partial<IntakeLimits> } = {}) => {
  const status = openStatusStore()
  const held = heldPublish({ inKafka: options.inKafka ?? true, onAck: (rs) => status.applyMany(rs.map((r) => acceptedRecord(r))) })
  const limits = { maxBodyBytes: 1_000_000, maxBatchItems: 100, retryAfterS: 2, backlogBreaker: 1000, acceptTimeoutMs: 5_000, ...options.limits }
  return { h: intakeHarness({ publish: held.publish, status, limits }), held }
}

/** Waits until `n` publish calls are held (the handlers read their bodies first). */
const publishCalls = async (held: ReturnType<typeof heldPublish>, n: number) => {
  for (let i = 0; i < 200 && held.calls.length < n; i++) await Bun.sleep(2)
  return held.calls.length
}

const answer = async (res: Promise<Response>) => {
  const r = await res
  return { status: r.status, body: (await r.json()) as Record<string, unknown> }
}

describe("makeInFlight", () => {
  test("the first claim owns, a match joins, another fingerprint conflicts, and the entry goes once the run settles", async () => {
    const inFlight = makeInFlight<{ settled: Promise<void> }>()
    let settle = () => {}
    const run = { settled: new Promise<void>((r) => { settle = r }) }
    const started: string[] = []
    const start = (name: string) => () => {
      started.push(name)
      return run
    }
    expect(inFlight.claim("x", "f1", start("first"))).toEqual({ _tag: "owner", run })
    expect(inFlight.claim("x", "f1", start("second"))).toEqual({ _tag: "joined", run })
    expect(inFlight.claim("x", "f2", start("third"))).toEqual({ _tag: "conflict" })
    expect([started, inFlight.size()]).toEqual([["first"], 1])
    settle()
    await run.settled
    await Promise.resolve()
    expect(inFlight.size()).toBe(0)
  })
})

describe("POST /v1/requests repeated while the first is in flight", () => {
  test("four concurrent POSTs with one key publish one copy: 202 for the first, 200 replays for the others", async () => {
    const { h, held } = heldIntake()
    const answers = [1, 2, 3, 4].map(() => answer(h.post("/v1/requests", pay("0.5"), key)))
    expect(await publishCalls(held, 1)).toBe(1)
    await Bun.sleep(20)
    expect(held.calls).toHaveLength(1)
    held.calls[0]?.ack()
    const got = await Promise.all(answers)
    expect(got.map((a) => a.status).sort()).toEqual([200, 200, 200, 202])
    for (const a of got) expect(a.body).toMatchObject({ id, status: "accepted", status_url: `/v1/requests/${id}` })
    expect(got.filter((a) => a.body.replayed === true)).toHaveLength(3)
    expect(held.calls.flatMap((c) => c.requests.map((r) => r.id))).toEqual([id])
  })

  test("a repeat with another body while the first is in flight: 422 at once, nothing more published", async () => {
    const { h, held } = heldIntake()
    const first = answer(h.post("/v1/requests", pay("0.5"), key))
    await publishCalls(held, 1)
    const other = await answer(h.post("/v1/requests", pay("0.7"), key))
    expect(other.status).toBe(422)
    expect(other.body).toMatchObject({ error: "idempotency_key_reused", id })
    held.calls[0]?.ack()
    expect((await first).status).toBe(202)
    expect(held.calls).toHaveLength(1)
  })

  const outcomes: ReadonlyArray<readonly [string, boolean | undefined, "fail" | "deadline", string, string]> = [
    ["Kafka fails the send: both get the same ambiguity", true, "fail", "kafka_ambiguous", "may have been accepted"],
    ["the deadline passes with the send in Kafka's hands: both get the same ambiguity", true, "deadline", "kafka_ambiguous", "may have been accepted"],
    ["the deadline takes back a send still queued: both get NOT accepted", false, "deadline", "kafka_unavailable", "NOT accepted"],
  ]
  test.each(outcomes)("%s", async (_, inKafka, how, error, says) => {
    const { h, held } = heldIntake({ inKafka, limits: { acceptTimeoutMs: 40 } })
    const first = answer(h.post("/v1/requests", pay("0.5"), key))
    await publishCalls(held, 1)
    const repeat = answer(h.post("/v1/requests", pay("0.5"), key))
    // The repeat reads and validates its body, then joins the first's run.
    await Bun.sleep(15)
    if (how === "fail") held.calls[0]?.fail()
    for (const a of await Promise.all([first, repeat])) {
      expect(a.status).toBe(503)
      expect(a.body).toMatchObject({ error, id })
      expect(String(a.body.message)).toContain(says)
    }
    expect(held.calls).toHaveLength(1)
  })

  test("a retry after an ambiguous answer joins the send Kafka still holds, and gets 200 when Kafka acks it: still one copy", async () => {
    const { h, held } = heldIntake({ limits: { acceptTimeoutMs: 40 } })
    const first = await answer(h.post("/v1/requests", pay("0.5"), key))
    expect(first.body.error).toBe("kafka_ambiguous")
    const retry = answer(h.post("/v1/requests", pay("0.5"), key))
    await Bun.sleep(10)
    held.calls[0]?.ack()
    expect(await retry).toMatchObject({ status: 200, body: { id, status: "accepted", replayed: true } })
    expect(held.calls).toHaveLength(1)
    // Settled: the next repeat is answered from the view.
    expect(await answer(h.post("/v1/requests", pay("0.5"), key))).toMatchObject({ status: 200, body: { replayed: true } })
    expect(held.calls).toHaveLength(1)
  })
})

describe("POST /v1/batches repeated while the first is in flight", () => {
  const batch = { requests: [pay("0.1"), pay("0.2"), pay("0.3")] }
  test("concurrent repeats publish the batch once; the repeats answer 200 replays with the same ids", async () => {
    const { h, held } = heldIntake({ limits: { publishChunk: 2 } })
    const answers = [1, 2, 3].map(() => answer(h.post("/v1/batches", batch, key)))
    await publishCalls(held, 1)
    held.ackAll()
    const got = await Promise.all(answers)
    expect(got.map((a) => a.status).sort()).toEqual([200, 200, 202])
    const ids = got.map((a) => a.body.ids)
    expect(ids[1]).toEqual(ids[0])
    expect(ids[2]).toEqual(ids[0])
    expect(held.calls.map((c) => c.requests.length)).toEqual([2, 1])
  })

  test("a repeat with another body while the batch is in flight: 422", async () => {
    const { h, held } = heldIntake()
    const first = answer(h.post("/v1/batches", batch, key))
    await publishCalls(held, 1)
    const other = await answer(h.post("/v1/batches", { requests: [pay("0.1"), pay("0.2")] }, key))
    expect(other).toMatchObject({ status: 422, body: { error: "idempotency_key_reused" } })
    held.ackAll()
    expect((await first).status).toBe(202)
    expect(held.calls).toHaveLength(1)
  })

  test("a single request and a batch with the same key at once: a conflict, not a shared publish", async () => {
    const { h, held } = heldIntake()
    const first = answer(h.post("/v1/batches", { requests: [pay("0.5")] }, key))
    await publishCalls(held, 1)
    expect((await answer(h.post("/v1/requests", pay("0.5"), key))).status).toBe(422)
    held.ackAll()
    expect((await first).status).toBe(202)
  })
})
