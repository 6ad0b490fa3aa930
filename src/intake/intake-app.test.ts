/**
 * The intake's HTTP behaviour, in-process: authentication, content type and size limits,
 * the breaker, accepted-means-acked, batches, idempotency, the status routes, metrics and
 * the OpenAPI document. Validation rules have their own table in intake-validation.test.ts.
 */
import { describe, expect, test } from "bun:test"
import { requestKey } from "../domain/request.ts"
import type { StatusRecord } from "../domain/status.ts"
import { idempotentId } from "./request-id.ts"
import { sampleAddresses } from "./validate/sample-addresses.ts"
import { devRecipient, devSigner, sampleTransactions } from "./validate/sample-transactions.ts"
import { makeReadiness } from "../host/readiness.ts"
import { makeKeyLimiter } from "./rate-limit.ts"
import { intakeHarness, testApiKey } from "./intake-harness.fixture.ts"
import { producerKafkaCheck } from "../actors/producer/kafka-reachability.ts"

const sim = sampleAddresses("simnet")
const sendtoaddress = { chain: "bitcoin", method: "sendtoaddress", params: { address: sim.p2wpkh, amount: "0.5" } } as const
const sendfrom = { chain: "bitcoin", method: "sendfrom", params: { account: "alice", address: sim.p2pkh, amount: 1.25, minconf: 1 } } as const
const transfer = { chain: "ethereum", method: "transfer", params: { from: devSigner, to: devRecipient, value: "1000" } } as const
const raw = { chain: "ethereum", method: "raw", params: { tx: sampleTransactions.signedFor31337 } } as const

const status = (id: string, s: StatusRecord["status"], extra: Partial<StatusRecord> = {}): StatusRecord => ({
  id,
  status: s,
  chain: "bitcoin",
  sender: "default",
  partition: 0,
  at: 1,
  ...extra,
})

describe("open routes", () => {
  test("healthz, readyz, metrics and openapi need no key", async () => {
    const h = intakeHarness({ apiKeys: new Set() })
    expect((await h.app.request("/healthz")).status).toBe(200)
    expect((await h.app.request("/readyz")).status).toBe(200)
    expect((await h.app.request("/metrics")).status).toBe(200)
    expect((await h.app.request("/openapi.json")).status).toBe(200)
  })
  test("readyz reports every check of the host: 503 with Retry-After naming the failing one and why, 200 once all pass", async () => {
    let now = Date.parse("2026-01-01T00:00:00.000Z")
    const readiness = makeReadiness(() => now)
    const kafka = producerKafkaCheck(readiness, 3000)
    const group = readiness.check("consumer.group", { initialReason: "the consumer has not joined its group yet" })
    const h = intakeHarness({ readiness: readiness.report })
    kafka.pass()
    group.pass()
    now += 1000
    kafka.fail("a metadata request to Kafka failed: Connection error: connect ECONNREFUSED 127.0.0.1:19092")
    const res = await h.app.request("/readyz")
    expect(res.status).toBe(503)
    expect(res.headers.get("retry-after")).toBe("2")
    expect(await res.json()).toEqual({
      status: "not ready",
      message: "not ready: producer.kafka: a metadata request to Kafka failed: Connection error: connect ECONNREFUSED 127.0.0.1:19092",
      failing: ["producer.kafka"],
      checks: [
        { name: "producer.kafka", state: "failing", since: "2026-01-01T00:00:01.000Z", reason: "a metadata request to Kafka failed: Connection error: connect ECONNREFUSED 127.0.0.1:19092" },
        { name: "consumer.group", state: "ok", since: "2026-01-01T00:00:00.000Z" },
      ],
    })
    now += 1000
    kafka.pass()
    const back = await h.app.request("/readyz")
    expect(back.status).toBe(200)
    expect(await back.json()).toEqual({
      status: "ready",
      checks: [
        { name: "producer.kafka", state: "ok", since: "2026-01-01T00:00:02.000Z" },
        { name: "consumer.group", state: "ok", since: "2026-01-01T00:00:00.000Z" },
      ],
    })
  })
  test("an unknown route is 404 pointing at the OpenAPI document", async () => {
    const res = await intakeHarness().app.request("/nope")
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: "not_found", message: expect.stringContaining("/openapi.json") })
  })
})

describe("authentication, before the body is read", () => {
  test("no keys configured: 401 naming the env var", async () => {
    const h = intakeHarness({ apiKeys: new Set() })
    const res = await h.post("/v1/requests", sendtoaddress)
    expect(res.status).toBe(401)
    expect(res.headers.get("www-authenticate")).toStartWith("Bearer")
    expect(((await res.json()) as { message: string }).message).toContain("set GATEWAY_API_KEYS")
    expect(h.published).toEqual([])
  })
  test("missing or unknown key: 401, even with a body that is not JSON", async () => {
    const h = intakeHarness()
    const missing = await h.app.request("/v1/requests", { method: "POST", headers: { "content-type": "application/json" }, body: "{" })
    expect(missing.status).toBe(401)
    const wrong = await h.app.request("/v1/requests", { method: "POST", headers: { "content-type": "application/json", "x-api-key": "other" }, body: "{" })
    expect(wrong.status).toBe(401)
    expect((await h.app.request("/v1/requests/x", { headers: { authorization: "Bearer other" } })).status).toBe(401)
  })
  test("X-API-Key works as well as Bearer", async () => {
    const h = intakeHarness()
    const res = await h.app.request("/v1/requests", { method: "POST", headers: { "content-type": "application/json", "x-api-key": testApiKey }, body: JSON.stringify(sendtoaddress) })
    expect(res.status).toBe(202)
  })
})

describe("body handling", () => {
  test("wrong content type: 415", async () => {
    const h = intakeHarness()
    const res = await h.post("/v1/requests", sendtoaddress, { "content-type": "text/plain" })
    expect(res.status).toBe(415)
    expect(((await res.json()) as { message: string }).message).toContain("Content-Type: application/json")
    expect(h.published).toEqual([])
  })
  test("charset parameter is fine", async () => {
    expect((await intakeHarness().post("/v1/requests", sendtoaddress, { "content-type": "application/json; charset=utf-8" })).status).toBe(202)
  })
  test("not JSON: 400 naming the problem", async () => {
    const h = intakeHarness()
    const res = await h.post("/v1/requests", `{"chain": "bitcoin",`)
    expect(res.status).toBe(400)
    const json = (await res.json()) as { error: string; message: string }
    expect(json.error).toBe("invalid_json")
    expect(json.message).toMatch(/^body is not valid JSON \(.+\)/)
    expect(h.published).toEqual([])
  })
  test("Content-Length over the limit: 413 naming the limit", async () => {
    const h = intakeHarness({ limits: { maxBodyBytes: 100, maxBatchItems: 10, retryAfterS: 2, backlogBreaker: 10, acceptTimeoutMs: 10_000 } })
    const res = await h.post("/v1/batches", { requests: [sendtoaddress, sendtoaddress] }, { "content-length": "5000" })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: "payload_too_large", limit_bytes: 100, message: expect.stringContaining("5000 bytes (Content-Length), over this intake's limit of 100 bytes") })
    expect(h.published).toEqual([])
  })
  test("a streamed body without Content-Length is cut off at the limit, unread beyond it", async () => {
    const h = intakeHarness({ limits: { maxBodyBytes: 1000, maxBatchItems: 10, retryAfterS: 2, backlogBreaker: 10, acceptTimeoutMs: 10_000 } })
    let pulled = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1
        if (pulled > 100) controller.close()
        else controller.enqueue(new TextEncoder().encode(" ".repeat(300)))
      },
    })
    const res = await h.app.request("/v1/requests", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${testApiKey}` },
      body: stream,
      duplex: "half",
    } as RequestInit)
    expect(res.status).toBe(413)
    expect(pulled).toBeLessThan(10)
  })
})

describe("accepted means acked", () => {
  test("202 with id and status_url only after publish resolved, keyed by chain and sender", async () => {
    const h = intakeHarness()
    const res = await h.post("/v1/requests", sendtoaddress)
    expect(res.status).toBe(202)
    const body = (await res.json()) as { id: string; status: string; status_url: string }
    expect(body).toEqual({ id: body.id, status: "accepted", status_url: `/v1/requests/${body.id}` })
    const [queued] = h.published.flat()
    expect(queued).toMatchObject({ id: body.id, sender: "default", accepted_at: 1_700_000_000_000, body: sendtoaddress })
    expect(queued?.body_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(queued && requestKey(queued)).toBe("bitcoin:default")
  })
  test("senders: sendfrom's account, transfer's lower-cased from, raw's recovered signer", async () => {
    const h = intakeHarness()
    for (const body of [sendfrom, transfer, raw]) expect((await h.post("/v1/requests", body)).status).toBe(202)
    expect(h.published.flat().map(requestKey)).toEqual(["bitcoin:alice", `ethereum:${devSigner.toLowerCase()}`, `ethereum:${devSigner.toLowerCase()}`])
  })
  test("a numeric amount is published as a string", async () => {
    const h = intakeHarness()
    await h.post("/v1/requests", sendfrom)
    expect(h.published.flat()[0]?.body).toEqual({ ...sendfrom, params: { ...sendfrom.params, amount: "1.25" } })
  })
  test("publish withdrawn before the send: 503 with Retry-After, saying the request was NOT accepted", async () => {
    const h = intakeHarness()
    h.failPublishFrom(1, "withdrawn")
    const res = await h.post("/v1/requests", sendtoaddress)
    expect(res.status).toBe(503)
    expect(res.headers.get("retry-after")).toBe("2")
    const json = (await res.json()) as { error: string; message: string }
    expect(json.error).toBe("kafka_unavailable")
    expect(json.message).toContain("NOT accepted")
  })
  test("publish failing after the send: 503 kafka_ambiguous with the id, never 'not accepted'", async () => {
    const h = intakeHarness()
    h.failPublishFrom(1)
    const res = await h.post("/v1/requests", sendtoaddress, { "idempotency-key": "pay-7" })
    expect([res.status, res.headers.get("retry-after")]).toEqual([503, "2"])
    const id = idempotentId(testApiKey, "pay-7")
    const json = (await res.json()) as { error: string; message: string; id: string; status_url: string }
    expect(json).toMatchObject({ error: "kafka_ambiguous", id, status_url: `/v1/requests/${id}` })
    expect(json.message).toContain("may have been accepted")
    expect(json.message).toContain("with the same Idempotency-Key")
    expect(json.message).not.toContain("NOT accepted")
  })
  test("not ready: 503 + Retry-After, nothing published", async () => {
    const h = intakeHarness({ ready: () => false })
    const res = await h.post("/v1/requests", sendtoaddress)
    expect([res.status, res.headers.get("retry-after")]).toEqual([503, "2"])
    expect(((await res.json()) as { error: string }).error).toBe("not_ready")
    expect(h.published).toEqual([])
  })
  test("backlog above the breaker: 503 + Retry-After, nothing published; at the breaker still accepted", async () => {
    const over = intakeHarness({ backlog: () => 1001 })
    const res = await over.post("/v1/requests", sendtoaddress)
    expect([res.status, res.headers.get("retry-after")]).toEqual([503, "2"])
    expect(await res.json()).toMatchObject({ error: "overloaded", backlog: 1001, backlog_breaker: 1000 })
    expect(over.published).toEqual([])
    expect((await intakeHarness({ backlog: () => 1000 }).post("/v1/requests", sendtoaddress)).status).toBe(202)
  })
})

describe("batches", () => {
  test("published in chunks, in order; 202 lists every id", async () => {
    const h = intakeHarness({ limits: { maxBodyBytes: 10_000_000, maxBatchItems: 10_000, retryAfterS: 2, backlogBreaker: 1000, publishChunk: 500, acceptTimeoutMs: 10_000 } })
    const requests = Array.from({ length: 1234 }, (_, i) => ({ ...sendtoaddress, params: { ...sendtoaddress.params, amount: `0.${String(i + 1).padStart(8, "0")}` } }))
    const res = await h.post("/v1/batches", { requests })
    expect(res.status).toBe(202)
    const body = (await res.json()) as { batch_id: string; count: number; ids: string[]; status_url: string }
    expect(body.count).toBe(1234)
    expect(body.status_url).toBe(`/v1/batches/${body.batch_id}`)
    expect(h.published.map((c) => c.length)).toEqual([500, 500, 234])
    const flat = h.published.flat()
    expect(flat.map((r) => r.id)).toEqual(body.ids)
    expect(flat.every((r) => r.batch_id === body.batch_id)).toBe(true)
    expect(flat[1233]?.body.params).toEqual({ address: sim.p2wpkh, amount: "0.00001234" })
  })
  const chunked = { maxBodyBytes: 1_000_000, maxBatchItems: 100, retryAfterS: 5, backlogBreaker: 1000, publishChunk: 2, acceptTimeoutMs: 10_000 }
  const six = { requests: Array.from({ length: 6 }, () => sendtoaddress) }
  test("a chunk withdrawn before its send: 503 NOT accepted, the queued ids reported, the rest not sent", async () => {
    const h = intakeHarness({ limits: chunked })
    h.failPublishFrom(2, "withdrawn")
    const res = await h.post("/v1/batches", six)
    expect([res.status, res.headers.get("retry-after")]).toEqual([503, "5"])
    const json = (await res.json()) as { error: string; message: string; queued: number; queued_ids: string[]; not_sent: number }
    expect(json.error).toBe("kafka_unavailable")
    expect(json.message).toContain("NOT accepted")
    expect([json.queued, json.not_sent]).toEqual([2, 4])
    expect(json.queued_ids).toEqual(h.published.flat().map((r) => r.id))
  })
  test("a chunk failing after its send: 503 kafka_ambiguous naming the queued, the possibly accepted and how many were not sent", async () => {
    const h = intakeHarness({ limits: chunked })
    h.failPublishFrom(2)
    const res = await h.post("/v1/batches", six)
    expect([res.status, res.headers.get("retry-after")]).toEqual([503, "5"])
    const json = (await res.json()) as { error: string; message: string; batch_id: string; queued_ids: string[]; ambiguous_ids: string[]; not_sent: number }
    expect(json.error).toBe("kafka_ambiguous")
    expect(json.message).not.toContain("NOT accepted")
    expect(json.queued_ids).toEqual(h.published.flat().map((r) => r.id))
    expect(json.ambiguous_ids).toHaveLength(2)
    expect(json.not_sent).toBe(2)
    expect(h.published).toHaveLength(1)
  })
})

describe("Idempotency-Key", () => {
  const key = { "idempotency-key": "order-42" }
  test("the id is derived from the API key and the idempotency key", async () => {
    const a = intakeHarness()
    const b = intakeHarness()
    const first = (await (await a.post("/v1/requests", sendtoaddress, key)).json()) as { id: string }
    const second = (await (await b.post("/v1/requests", sendtoaddress, key)).json()) as { id: string }
    expect(first.id).toBe(idempotentId(testApiKey, "order-42"))
    expect(second.id).toBe(first.id)
  })
  test("a repeat the status view knows: 200 with its status, nothing published", async () => {
    const h = intakeHarness()
    await h.post("/v1/requests", sendtoaddress, key)
    const [queued] = h.published.flat()
    if (!queued) throw new Error("not published")
    h.status.apply(status(queued.id, "submitted", { body_hash: queued.body_hash }))
    const again = await h.post("/v1/requests", { params: sendtoaddress.params, method: "sendtoaddress", chain: "bitcoin" }, key)
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ id: queued.id, status: "submitted", status_url: `/v1/requests/${queued.id}`, replayed: true })
    expect(h.published.length).toBe(1)
  })
  test("the same key with another body: 422 naming the header, nothing published", async () => {
    const h = intakeHarness()
    const id = idempotentId(testApiKey, "order-42")
    h.status.apply(status(id, "accepted", { body_hash: "0".repeat(64) }))
    const res = await h.post("/v1/requests", sendtoaddress, key)
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ error: "idempotency_key_reused", field: "Idempotency-Key", id })
    expect(h.published).toEqual([])
  })
  test("a malformed key: 400 naming the header", async () => {
    const h = intakeHarness()
    const res = await h.post("/v1/requests", sendtoaddress, { "idempotency-key": "x".repeat(256) })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ field: "Idempotency-Key", rule: "1 to 255 printable ASCII characters" })
    expect(h.published).toEqual([])
  })
  test("batches: derived batch and item ids; a full repeat is 200; a partial one publishes only the missing items", async () => {
    const h = intakeHarness()
    const batch = { requests: [sendtoaddress, transfer, sendfrom] }
    const first = (await (await h.post("/v1/batches", batch, key)).json()) as { batch_id: string; ids: string[] }
    expect(first.batch_id).toBe(idempotentId(testApiKey, "order-42"))
    const queued = h.published.flat()
    h.status.apply(status(queued[0]?.id ?? "", "confirmed", { batch_id: first.batch_id, body_hash: queued[0]?.body_hash }))
    const partial = await h.post("/v1/batches", batch, key)
    expect(partial.status).toBe(202)
    expect(((await partial.json()) as { ids: string[] }).ids).toEqual(first.ids)
    expect(h.published[1]?.map((r) => r.id)).toEqual(first.ids.slice(1))
    for (const r of queued.slice(1)) h.status.apply(status(r.id, "accepted", { batch_id: first.batch_id, body_hash: r.body_hash }))
    const full = await h.post("/v1/batches", batch, key)
    expect(full.status).toBe(200)
    expect(await full.json()).toMatchObject({ batch_id: first.batch_id, ids: first.ids, replayed: true })
    expect(h.published.length).toBe(2)
    const changed = await h.post("/v1/batches", { requests: [sendtoaddress, sendtoaddress, sendfrom] }, key)
    expect(changed.status).toBe(422)
    expect(((await changed.json()) as { message: string }).message).toContain("requests[1] differs")
  })
})

describe("status routes", () => {
  test("a known request: its latest record; an unknown one: 404 with advice", async () => {
    const h = intakeHarness()
    h.status.apply(status("r1", "accepted", { at: 1 }))
    h.status.apply(status("r1", "submitted", { at: 2, txid: "abc" }))
    const res = await h.get("/v1/requests/r1")
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id: "r1", status: "submitted", txid: "abc" })
    const missing = await h.get("/v1/requests/nope")
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { message: string }).message).toContain("retry in a second")
  })
  test("a batch: counts per status and a page of ids with a next link", async () => {
    const h = intakeHarness()
    h.status.applyMany(["a", "b", "c", "d", "e"].map((id, i) => status(id, i < 3 ? "confirmed" : "failed", { batch_id: "B" })))
    const res = await h.get("/v1/batches/B?limit=2")
    expect(res.status).toBe(200)
    const json = (await res.json()) as { total: number; counts: Record<string, number>; ids: string[]; page: { next: string | null; returned: number } }
    expect(json.total).toBe(5)
    expect(json.counts).toMatchObject({ confirmed: 3, failed: 2, accepted: 0 })
    expect(json.ids).toEqual(["a", "b"])
    expect(json.page).toMatchObject({ returned: 2, next: "/v1/batches/B?offset=2&limit=2" })
    const failed = (await (await h.get("/v1/batches/B?status=failed")).json()) as { ids: string[]; page: { next: string | null } }
    expect(failed.ids).toEqual(["d", "e"])
    expect(failed.page.next).toBeNull()
  })
  test("a request's answer carries its transitions, oldest first", async () => {
    const h = intakeHarness()
    h.status.apply(status("r1", "accepted", { at: 1 }))
    h.status.apply(status("r1", "submitted", { at: 2, txid: "abc", rev: 1 }))
    h.status.apply(status("r1", "failed", { at: 3, rev: 2, reason: "dropped" }))
    expect(((await (await h.get("/v1/requests/r1")).json()) as { history: unknown }).history).toEqual([
      { status: "accepted", at: 1, rev: 0 },
      { status: "submitted", at: 2, rev: 1, txid: "abc" },
      { status: "failed", at: 3, rev: 2, reason: "dropped" },
    ])
  })
  test("the list: filtered pages, a next link that keeps the filters, and every request once", async () => {
    const h = intakeHarness()
    h.status.applyMany(["a", "b", "c", "d", "e"].map((id, i) => status(id, i % 2 === 0 ? "failed" : "signed", { at: 10 + i })))
    type Page = { requests: { id: string }[]; page: { next: string | null; returned: number } }
    const first = (await (await h.get("/v1/requests?status=failed&limit=2")).json()) as Page
    expect(first.requests.map((r) => r.id)).toEqual(["a", "c"])
    expect(first.page.next).toStartWith("/v1/requests?status=failed&limit=2&cursor=")
    const second = (await (await h.get(first.page.next ?? "")).json()) as Page
    expect(second.requests.map((r) => r.id)).toEqual(["e"])
    expect(second.page.next).toBeNull()
    const recent = (await (await h.get("/v1/requests?since=13&chain=bitcoin")).json()) as Page
    expect(recent.requests.map((r) => r.id)).toEqual(["d", "e"])
  })
  test("a bad list query: 400 naming the field and rule, never a 500", async () => {
    const h = intakeHarness()
    for (const [query, field] of [
      ["status=stuck", "query.status"],
      ["since=last-tuesday", "query.since"],
      ["limit=5000", "query.limit"],
      ["cursor=%00%01", "query.cursor"],
      ["chain=dogecoin", "query.chain"],
    ] as const) {
      const res = await h.get(`/v1/requests?${query}`)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: "invalid_request", field })
    }
  })
  test("bad paging: 400 naming the query field; unknown batch: 404", async () => {
    const h = intakeHarness()
    h.status.apply(status("a", "accepted", { batch_id: "B" }))
    expect(await (await h.get("/v1/batches/B?limit=0")).json()).toMatchObject({ field: "query.limit", rule: "1 to 10000" })
    expect(await (await h.get("/v1/batches/B?offset=-1")).json()).toMatchObject({ field: "query.offset" })
    expect(await (await h.get("/v1/batches/B?status=lost")).json()).toMatchObject({ field: "query.status" })
    expect((await h.get("/v1/batches/none")).status).toBe(404)
  })
})

describe("metrics and OpenAPI", () => {
  test("requests by route and code, accept latency, items accepted, backlog", async () => {
    const h = intakeHarness({ backlog: () => 7 })
    await h.post("/v1/requests", sendtoaddress)
    await h.post("/v1/batches", { requests: [transfer, transfer] })
    await h.post("/v1/requests", { chain: "x" })
    const text = await (await h.app.request("/metrics")).text()
    expect(text).toContain('gateway_intake_requests_total{code="202",method="POST",route="/v1/requests"} 1')
    expect(text).toContain('gateway_intake_requests_total{code="400",method="POST",route="/v1/requests"} 1')
    expect(text).toContain('gateway_intake_requests_total{code="202",method="POST",route="/v1/batches"} 1')
    expect(text).toContain('gateway_intake_accept_seconds_count{route="/v1/requests"} 1')
    expect(text).toContain('gateway_intake_items_accepted_total{chain="ethereum"} 2')
    expect(text).toContain("gateway_intake_backlog 7")
  })
  test("the OpenAPI document covers every route, the request union, errors and security", async () => {
    const doc = (await (await intakeHarness().app.request("/openapi.json")).json()) as {
      openapi: string
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
      components: { schemas: Record<string, { oneOf?: unknown[] }>; securitySchemes: Record<string, unknown> }
    }
    expect(doc.openapi).toBe("3.1.0")
    expect(Object.keys(doc.paths).sort()).toEqual(["/healthz", "/metrics", "/openapi.json", "/readyz", "/v1/balances/{chain}/{who}", "/v1/batches", "/v1/batches/{id}", "/v1/requests", "/v1/requests/{id}", "/v1/rpc/{chain}", "/v1/webhooks", "/v1/webhooks/{id}", "/v1/webhooks/{id}/deliveries", "/v1/webhooks/{id}/deliveries/redeliver", "/v1/webhooks/{id}/secret"])
    expect(Object.keys(doc.paths["/v1/requests"]?.post?.responses ?? {}).sort()).toEqual(["200", "202", "400", "401", "413", "415", "422", "429", "503"])
    expect(doc.components.schemas.RequestBody?.oneOf).toHaveLength(6)
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["apiKey", "bearer"])
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? []
    for (const r of refs) expect(doc.components.schemas[r.split("/").pop() ?? ""]).toBeDefined()
  })
  test("a host without the consumer role answers reads with a 503 that says where to send them, and a bad chain with a 400", async () => {
    const h = intakeHarness()
    const auth = { authorization: `Bearer ${testApiKey}`, "content-type": "application/json" }
    const res = await h.app.request("/v1/rpc/ethereum", { method: "POST", headers: auth, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber" }) })
    expect(res.status).toBe(503)
    expect(res.headers.get("retry-after")).not.toBeNull()
    expect(((await res.json()) as { message: string }).message).toContain("consumer role")
    const bad = await h.app.request("/v1/balances/dogecoin/x", { headers: auth })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { field: string }).field).toBe("path.chain")
  })
  test("an API key over its rate gets 429 with Retry-After and RateLimit headers, and nothing is published", async () => {
    let t = 0
    const h = intakeHarness({ rateLimit: makeKeyLimiter(2, 3, () => t) })
    const one = { chain: "ethereum", method: "transfer", params: { from: devSigner, to: devRecipient, value: "1" } }
    const first = await h.post("/v1/batches", { requests: [one, one, one] })
    expect([first.status, first.headers.get("ratelimit-remaining"), first.headers.get("ratelimit-limit")]).toEqual([202, "0", "3"])
    const over = await h.post("/v1/requests", one)
    const body = (await over.json()) as { error: string; retry_after_s: number }
    expect([over.status, body.error, over.headers.get("retry-after"), over.headers.get("ratelimit-remaining")]).toEqual([429, "rate_limited", "1", "0"])
    expect(h.published).toHaveLength(1)
    // Bad input is refused as bad input, whatever the bucket holds.
    expect((await h.post("/v1/requests", { chain: "x" })).status).toBe(400)
    const huge = await h.post("/v1/batches", { requests: [one, one, one, one] })
    expect([huge.status, ((await huge.json()) as { message: string }).message]).toEqual([429, expect.stringContaining("split it into parts of at most 3")])
    t = 1000
    expect((await h.post("/v1/requests", one)).status).toBe(202)
    expect(h.published).toHaveLength(2)
  })
  test("the OpenAPI examples are accepted by the intake", async () => {
    const h = intakeHarness()
    const doc = (await (await h.app.request("/openapi.json")).json()) as {
      paths: { "/v1/requests": { post: { requestBody: { content: { "application/json": { examples: Record<string, { value: unknown }> } } } } } }
    }
    for (const example of Object.values(doc.paths["/v1/requests"].post.requestBody.content["application/json"].examples)) {
      expect((await h.post("/v1/requests", example.value)).status).toBe(202)
    }
  })
})
