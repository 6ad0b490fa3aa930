import { describe, expect, test } from "bun:test"
import { ownerOf } from "../../domain/owner.ts"
import { sampleAddresses } from "../validate/sample-addresses.ts"
import { makeWebhookBook } from "../../webhooks/webhook-book.ts"
import type { ParkedDelivery } from "../../webhooks/registration.ts"
import { isWebhookRejection, verifyWebhook } from "../../domain/webhook-signature.ts"
import { intakeHarness, testApiKey } from "../intake-harness.fixture.ts"

const otherKey = "test-key-2"
const two = () => intakeHarness({ apiKeys: new Set([testApiKey, otherKey]) })
const asOther = { authorization: `Bearer ${otherKey}` }
const good = { url: "https://example.com/hooks", events: ["confirmed", "failed"] }

describe("POST /v1/webhooks", () => {
  test("201 with the id, url, events, secret and created_at; the registration is written under the key's owner id, never the key", async () => {
    const h = intakeHarness()
    const res = await h.post("/v1/webhooks", good)
    expect(res.status).toBe(201)
    expect(res.headers.get("location")).toBe("/v1/webhooks/wh_1")
    expect(await res.json()).toEqual({ id: "wh_1", url: good.url, events: good.events, secret: "whsec_test1", created_at: 1_700_000_000_000 })
    expect(h.webhookWrites).toHaveLength(1)
    const written = h.webhookWrites[0]?.[0]
    expect(written?.key).toBe("webhook/wh_1")
    expect(JSON.parse(written?.value ?? "{}")).toMatchObject({ owner: ownerOf(testApiKey), url: good.url })
    expect(written?.value).not.toContain(testApiKey)
  })

  const bad: ReadonlyArray<readonly [string, unknown, string, string]> = [
    ["no url", { events: ["confirmed"] }, "url", "required"],
    ["a relative url", { ...good, url: "/x" }, "url", "http or https URL"],
    ["no events", { ...good, events: [] }, "events", "non-empty list of statuses"],
    ["an unknown status", { ...good, events: ["mined"] }, "events[0]", "one of signed, submitted, confirmed, failed, dlq"],
    ["an unknown field", { ...good, retries: 3 }, "retries", "unknown field"],
  ]
  test.each(bad)("400 for %s, naming the field and rule, and nothing is written", async (_name, body, field, rule) => {
    const h = intakeHarness()
    const res = await h.post("/v1/webhooks", body)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: "invalid_request", field, rule })
    expect(h.webhookWrites).toEqual([])
  })

  test("400 for a body that is not JSON; 401 without a key", async () => {
    const h = intakeHarness()
    expect((await h.post("/v1/webhooks", "{not json")).status).toBe(400)
    expect((await h.app.request("/v1/webhooks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(good) })).status).toBe(401)
    expect(h.webhookWrites).toEqual([])
  })

  test("422 past [webhooks].max_per_key, saying how to make room", async () => {
    const h = intakeHarness()
    for (let i = 0; i < 3; i++) expect((await h.post("/v1/webhooks", good)).status).toBe(201)
    const res = await h.post("/v1/webhooks", good)
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ error: "webhook_limit", limit: 3 })
  })

  test("503 with Retry-After while the book has not read the topic once", async () => {
    const h = intakeHarness({ webhooks: { book: makeWebhookBook(), applyLocal: () => undefined, write: async () => undefined, maxPerKey: 3, ready: () => false } })
    for (const res of [await h.post("/v1/webhooks", good), await h.get("/v1/webhooks"), await h.get("/v1/webhooks/wh_1")]) {
      expect([res.status, res.headers.get("retry-after")]).toEqual([503, "2"])
    }
  })

  test("503 when Kafka refuses the write, and nothing is registered", async () => {
    const h = intakeHarness()
    h.failWebhookWrites(true)
    const res = await h.post("/v1/webhooks", good)
    expect(res.status).toBe(503)
    expect(res.headers.get("retry-after")).toBe("2")
    expect(h.webhookBook.size()).toBe(0)
  })
})

describe("GET and DELETE /v1/webhooks", () => {
  test("a key lists and reads its own webhooks, without the secret", async () => {
    const h = two()
    await h.post("/v1/webhooks", good)
    const list = await h.get("/v1/webhooks")
    expect(list.status).toBe(200)
    expect(await list.json()).toEqual({ webhooks: [{ id: "wh_1", url: good.url, events: good.events, created_at: 1_700_000_000_000, parked: 0 }] })
    const one = await h.get("/v1/webhooks/wh_1")
    expect(one.status).toBe(200)
    expect(JSON.stringify(await one.json())).not.toContain("whsec_")
  })

  test("another key's webhook is 404 on every route, exactly like one that does not exist, and cannot be deleted", async () => {
    const h = two()
    await h.post("/v1/webhooks", good)
    const theirs = await h.app.request("/v1/webhooks", { headers: asOther })
    expect(await theirs.json()).toEqual({ webhooks: [] })
    for (const [method, path] of [["GET", "/v1/webhooks/wh_1"], ["DELETE", "/v1/webhooks/wh_1"], ["GET", "/v1/webhooks/wh_1/deliveries"], ["GET", "/v1/webhooks/wh_9"]] as const) {
      const res = await h.app.request(path, { method, headers: asOther })
      expect([method, path, res.status]).toEqual([method, path, 404])
      expect(await res.json()).toMatchObject({ error: "not_found" })
    }
    expect(h.webhookBook.get("wh_1")).toBeDefined()
  })

  test("DELETE writes a tombstone and answers 204; the webhook is gone at once", async () => {
    const h = intakeHarness()
    await h.post("/v1/webhooks", good)
    const res = await h.app.request("/v1/webhooks/wh_1", { method: "DELETE", headers: { authorization: `Bearer ${testApiKey}` } })
    expect(res.status).toBe(204)
    expect(h.webhookWrites[1]).toEqual([{ key: "webhook/wh_1", value: null }])
    expect((await h.get("/v1/webhooks/wh_1")).status).toBe(404)
  })

  test("deliveries lists parked ones; another state is a 400", async () => {
    const h = intakeHarness()
    await h.post("/v1/webhooks", good)
    const res = await h.get("/v1/webhooks/wh_1/deliveries?state=parked")
    expect(await res.json()).toEqual({ webhook_id: "wh_1", state: "parked", deliveries: [] })
    const bad = await h.get("/v1/webhooks/wh_1/deliveries?state=delivered")
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ field: "query.state" })
  })
})

describe("POST /v1/webhooks/{id}/secret", () => {
  const rotate = (h: ReturnType<typeof intakeHarness>, body: unknown, id = "wh_1") => h.post(`/v1/webhooks/${id}/secret`, body)

  test("200 with the new secret, once; the old one keeps signing for a day unless said; GET shows when it stops, never either secret", async () => {
    const h = intakeHarness()
    await h.post("/v1/webhooks", good)
    const res = await rotate(h, {})
    expect(res.status).toBe(200)
    const at = 1_700_000_000_000
    expect(await res.json()).toEqual({ id: "wh_1", secret: "whsec_test2", rotated_at: at, previous_secret_until: at + 86_400_000 })
    const written = JSON.parse(h.webhookWrites[1]?.[0]?.value ?? "{}")
    expect(written).toMatchObject({ id: "wh_1", secret: "whsec_test2", previous_secret: "whsec_test1", previous_secret_until: at + 86_400_000, url: good.url })
    expect(h.webhookBook.get("wh_1")?.secret).toBe("whsec_test2")
    const shown = await (await h.get("/v1/webhooks/wh_1")).json()
    expect(shown).toMatchObject({ rotated_at: at, previous_secret_until: at + 86_400_000 })
    expect(JSON.stringify(shown)).not.toContain("whsec_")
  })

  test("keep_previous_s 0 ends the old secret at once; a second rotation drops the oldest", async () => {
    const h = intakeHarness()
    await h.post("/v1/webhooks", good)
    expect(await (await rotate(h, { keep_previous_s: 0 })).json()).toMatchObject({ secret: "whsec_test2", previous_secret_until: null })
    expect(JSON.parse(h.webhookWrites[1]?.[0]?.value ?? "{}").previous_secret).toBeUndefined()
    await rotate(h, { keep_previous_s: 60 })
    await rotate(h, { keep_previous_s: 60 })
    expect(h.webhookBook.get("wh_1")).toMatchObject({ secret: "whsec_test4", previous_secret: "whsec_test3" })
  })

  const bad: ReadonlyArray<readonly [string, unknown]> = [
    ["a negative keep_previous_s", { keep_previous_s: -1 }],
    ["more than a week", { keep_previous_s: 604_801 }],
    ["a fraction", { keep_previous_s: 1.5 }],
    ["a string", { keep_previous_s: "3600" }],
  ]
  test.each(bad)("400 for %s, naming the field and rule; the secret is unchanged", async (_name, body) => {
    const h = intakeHarness()
    await h.post("/v1/webhooks", good)
    const res = await rotate(h, body)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: "invalid_request", field: "keep_previous_s", rule: "whole seconds from 0 to 604800" })
    expect(h.webhookBook.get("wh_1")?.secret).toBe("whsec_test1")
    expect(h.webhookWrites).toHaveLength(1)
  })

  test("an unknown field is a 400; another key's webhook is a 404; Kafka refusing is a 503 and the secret stays", async () => {
    const h = two()
    await h.post("/v1/webhooks", good)
    expect(await (await rotate(h, { keep: 5 })).json()).toMatchObject({ field: "keep", rule: "unknown field" })
    const theirs = await h.app.request("/v1/webhooks/wh_1/secret", { method: "POST", headers: { "content-type": "application/json", ...asOther }, body: "{}" })
    expect(theirs.status).toBe(404)
    h.failWebhookWrites(true)
    expect((await rotate(h, {})).status).toBe(503)
    expect(h.webhookBook.get("wh_1")?.secret).toBe("whsec_test1")
  })
})

describe("POST /v1/webhooks/{id}/deliveries/redeliver", () => {
  const event = (id: string) => ({ id, type: "request.confirmed", created_at: 5, data: { id: id.split(":")[0], status: "confirmed" } })
  const parkedFor = (eventId: string, parkedAt: number): ParkedDelivery => ({
    webhook_id: "wh_1", owner: ownerOf(testApiKey), event_id: eventId, url: good.url, attempts: 9, first_attempt_at: 1, parked_at: parkedAt, last_error: "HTTP 500", event: event(eventId) as unknown as ParkedDelivery["event"],
  })
  const withParked = async (...ids: string[]) => {
    const h = intakeHarness()
    await h.post("/v1/webhooks", good)
    ids.forEach((id, i) => h.webhookBook.apply({ _tag: "parked", webhookId: "wh_1", eventId: id, parked: parkedFor(id, 100 + i) }))
    return h
  }

  test("sends the parked deliveries again, oldest first, signed; a delivered one is unparked (tombstone after the ack)", async () => {
    const h = await withParked("r1:3", "r2:3")
    const res = await h.post("/v1/webhooks/wh_1/deliveries/redeliver", {})
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ webhook_id: "wh_1", delivered: 2, still_parked: 0, results: [{ event_id: "r1:3", outcome: "delivered" }, { event_id: "r2:3", outcome: "delivered" }] })
    expect(h.webhookPosts.map((p) => [p.url, JSON.parse(p.body).id])).toEqual([[good.url, "r1:3"], [good.url, "r2:3"]])
    const first = h.webhookPosts[0]
    if (first === undefined) throw new Error("nothing was posted")
    expect(isWebhookRejection(verifyWebhook({ secret: "whsec_test1", headers: first.headers, body: first.body, nowS: 1_700_000_000 }))).toBe(false)
    expect(h.webhookWrites.slice(1)).toEqual([[{ key: "parked/wh_1/r1:3", value: null }], [{ key: "parked/wh_1/r2:3", value: null }]])
    expect(h.webhookBook.parkedOf("wh_1")).toEqual([])
  })

  test("an endpoint still failing keeps them parked and says why; an id that is not parked is reported, nothing sent for it", async () => {
    const h = await withParked("r1:3")
    h.answerPostsWith({ _tag: "http-error", status: 503 })
    const res = await h.post("/v1/webhooks/wh_1/deliveries/redeliver", { event_ids: ["r1:3", "r9:1"] })
    expect(await res.json()).toEqual({
      webhook_id: "wh_1", delivered: 0, still_parked: 1,
      results: [{ event_id: "r1:3", outcome: "still-parked", detail: "HTTP 503" }, { event_id: "r9:1", outcome: "not-parked", detail: expect.stringContaining("no parked delivery") }],
    })
    expect(h.webhookPosts).toHaveLength(1)
    expect(h.webhookWrites).toHaveLength(1)
  })

  const bad: ReadonlyArray<readonly [string, unknown, string]> = [
    ["an empty list", { event_ids: [] }, "event_ids"],
    ["a repeated id", { event_ids: ["a:1", "a:1"] }, "event_ids[1]"],
    ["a number", { event_ids: [5] }, "event_ids[0]"],
    ["an unknown field", { all: true }, "all"],
  ]
  test.each(bad)("400 for %s, naming the field, and nothing is sent", async (_name, body, field) => {
    const h = await withParked("a:1")
    const res = await h.post("/v1/webhooks/wh_1/deliveries/redeliver", body)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: "invalid_request", field })
    expect(h.webhookPosts).toEqual([])
  })

  test("another key's webhook is a 404", async () => {
    const h = two()
    await h.post("/v1/webhooks", good)
    const res = await h.app.request("/v1/webhooks/wh_1/deliveries/redeliver", { method: "POST", headers: { "content-type": "application/json", ...asOther }, body: "{}" })
    expect(res.status).toBe(404)
  })
})

describe("requests carry their owner", () => {
  test("a single request and every item of a batch are published with the key's owner id, never the key", async () => {
    const h = two()
    const transfer = { chain: "bitcoin", method: "sendfrom", params: { account: "alice", address: sampleAddresses("simnet").p2pkh, amount: "0.1" } }
    expect((await h.post("/v1/requests", transfer)).status).toBe(202)
    expect((await h.app.request("/v1/batches", { method: "POST", headers: { "content-type": "application/json", ...asOther }, body: JSON.stringify({ requests: [transfer, transfer] }) })).status).toBe(202)
    expect(h.published.flat().map((r) => r.owner)).toEqual([ownerOf(testApiKey), ownerOf(otherKey), ownerOf(otherKey)])
    expect(JSON.stringify(h.published)).not.toContain(testApiKey)
  })
})

describe("the OpenAPI document", () => {
  test("describes the webhook routes and the signed event, and its registration example is accepted", async () => {
    const h = intakeHarness()
    const doc = (await (await h.app.request("/openapi.json")).json()) as {
      paths: { "/v1/webhooks": { post: { requestBody: { content: { "application/json": { examples: Record<string, { value: unknown }> } } } } } }
      webhooks: Record<string, unknown>
      components: { schemas: Record<string, unknown> }
    }
    expect(Object.keys(doc.webhooks)).toEqual(["statusChanged"])
    for (const name of ["WebhookRequest", "WebhookCreated", "WebhookEvent", "ParkedDeliveries", "SecretRotation", "SecretRotated"]) expect(doc.components.schemas[name]).toBeDefined()
    for (const example of Object.values(doc.paths["/v1/webhooks"].post.requestBody.content["application/json"].examples)) {
      expect((await h.post("/v1/webhooks", example.value)).status).toBe(201)
    }
    const rotation = (doc.paths as unknown as Record<string, { post: { requestBody: { content: { "application/json": { examples: Record<string, { value: unknown }> } } } } }>)["/v1/webhooks/{id}/secret"]
    for (const example of Object.values(rotation?.post.requestBody.content["application/json"].examples ?? {})) {
      expect((await h.post("/v1/webhooks/wh_1/secret", example.value)).status).toBe(200)
    }
  })
})
