import { describe, expect, test } from "bun:test"
import { signedHeaders } from "../../domain/webhook-signature.ts"
import { idempotentId } from "../../intake/request-id.ts"
import { hasReached, InvalidGatewayClientOptions, isWebhookRejection, makeGatewayClient } from "./gateway-client.ts"
import { ethereum } from "./request-builders.ts"

/** A scripted intake: each call takes the next answer; every request is recorded. */
const scripted = (answers: ReadonlyArray<{ readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> } | "refused" | "timeout">) => {
  const seen: Array<{ url: string; method: string; headers: Headers; body: string | undefined }> = []
  let clock = 0
  let next = 0
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    seen.push({ url, method: init.method ?? "GET", headers: new Headers(init.headers), body: typeof init.body === "string" ? init.body : undefined })
    const answer = answers[Math.min(next++, answers.length - 1)]
    if (answer === "timeout") throw Object.assign(new Error("The operation timed out."), { name: "TimeoutError" })
    if (answer === undefined || answer === "refused") throw new TypeError("Unable to connect")
    return new Response(answer.body === undefined ? "" : JSON.stringify(answer.body), { status: answer.status, headers: answer.headers ?? {} })
  }
  const sleeps: number[] = []
  const client = makeGatewayClient({
    url: "http://intake.test:8080/",
    apiKey: "k1",
    retryForMs: 10_000,
    fetch,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms)
      clock += ms
    },
    newIdempotencyKey: () => "key-1",
  })
  return { client, seen, sleeps }
}

const transfer = ethereum.transfer({ from: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", to: "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", value: 1000n })

describe("send", () => {
  test("retries 503 and a refused connection under one Idempotency-Key, waiting at least Retry-After", async () => {
    const id = idempotentId("k1", "key-1")
    const { client, seen, sleeps } = scripted([
      { status: 503, body: { error: "kafka_unavailable", message: "m" }, headers: { "retry-after": "2" } },
      "refused",
      { status: 202, body: { id, status: "accepted", status_url: `/v1/requests/${id}` } },
    ])
    const result = await client.send(transfer)
    expect(result).toMatchObject({ ok: true, _tag: "Accepted", id, replayed: false, attempts: 3, idempotencyKey: "key-1" })
    expect(seen.map((s) => s.headers.get("idempotency-key"))).toEqual(["key-1", "key-1", "key-1"])
    expect(seen.every((s) => s.headers.get("authorization") === "Bearer k1" && s.url === "http://intake.test:8080/v1/requests")).toBe(true)
    expect(JSON.parse(seen[0]?.body ?? "{}")).toEqual({ chain: "ethereum", method: "transfer", params: { from: transfer.params.from, to: transfer.params.to, value: "1000" } })
    expect(sleeps[0]).toBeGreaterThanOrEqual(2000)
  })

  test("a 400 is refused at once with its fields, and not retried", async () => {
    const { client, seen } = scripted([{ status: 400, body: { error: "invalid_request", message: "params.to: bad", errors: [{ field: "params.to", rule: "0x address", message: "params.to: bad" }] } }])
    const result = await client.send(transfer)
    expect(result).toMatchObject({ ok: false, _tag: "Refused", status: 400, error: "invalid_request", problems: [{ field: "params.to" }] })
    expect(seen.length).toBe(1)
  })

  test("giving up answers the id the request has if it got in, and whether it may have", async () => {
    const { client } = scripted([{ status: 503, body: { error: "kafka_ambiguous", message: "may have been accepted" }, headers: { "retry-after": "4" } }])
    const result = await client.send(transfer, { idempotencyKey: "order-17" })
    expect(result).toMatchObject({ ok: false, _tag: "Unavailable", id: idempotentId("k1", "order-17"), idempotencyKey: "order-17", mayHaveBeenAccepted: true })
    expect(result.ok ? 0 : result._tag === "Unavailable" ? result.attempts : 0).toBeGreaterThan(1)
  })

  test("a key the intake would refuse is a caller bug, thrown before any call", async () => {
    const { client, seen } = scripted([])
    await expect(client.send(transfer, { idempotencyKey: "é" })).rejects.toBeInstanceOf(InvalidGatewayClientOptions)
    expect(seen.length).toBe(0)
  })
})

describe("waitFor", () => {
  const view = (status: string) => ({ status: 200, body: { id: "r", status, chain: "ethereum", sender: "s", partition: 0, at: 1, history: [] } })

  test("polls through 404 and earlier statuses until the target", async () => {
    const { client, seen } = scripted([{ status: 404, body: { error: "not_found", message: "m" } }, view("signed"), view("confirmed")])
    const result = await client.waitFor("r", "submitted", { pollMs: 100 })
    expect(result._tag).toBe("Reached")
    expect(seen.length).toBe(3)
  })

  test("a final status other than the target ends the wait", async () => {
    const { client } = scripted([view("failed")])
    expect((await client.waitFor("r", "confirmed"))._tag).toBe("EndedElsewhere")
  })

  test("times out with the last status seen", async () => {
    const { client } = scripted([view("signed")])
    const result = await client.waitFor("r", "final", { timeoutMs: 1000, pollMs: 300 })
    expect(result).toMatchObject({ _tag: "TimedOut", last: { status: "signed" } })
  })
})

describe("the rest", () => {
  test("hasReached: past the target counts; failed never reaches confirmed", () => {
    expect(hasReached("confirmed", "submitted")).toBe(true)
    expect(hasReached("signed", "submitted")).toBe(false)
    expect(hasReached("failed", "confirmed")).toBe(false)
    expect(hasReached("dlq", "final")).toBe(true)
    expect(hasReached("confirmed", "failed")).toBe(false)
  })

  test("list follows page.next until it is null", async () => {
    const { client, seen } = scripted([
      { status: 200, body: { requests: [{ id: "a" }, { id: "b" }], page: { next: "/v1/requests?status=failed&cursor=c1" } } },
      { status: 200, body: { requests: [{ id: "c" }], page: { next: null } } },
    ])
    const ids: string[] = []
    for await (const r of client.list({ status: "failed", since: new Date("2026-12-05T08:00:00Z") })) ids.push(r.id)
    expect(ids).toEqual(["a", "b", "c"])
    expect(seen.map((s) => s.url)).toEqual(["http://intake.test:8080/v1/requests?status=failed&since=2026-12-05T08%3A00%3A00.000Z", "http://intake.test:8080/v1/requests?status=failed&cursor=c1"])
  })

  test("verifyWebhook checks with the configured secret", () => {
    const client = makeGatewayClient({ url: "http://x:1", apiKey: "k", webhookSecret: "whsec_1", now: () => 5_000_000 })
    const body = '{"id":"r:1"}'
    const headers = signedHeaders({ webhookId: "w", eventId: "r:1", secrets: ["whsec_1"], body, nowS: 5000 })
    expect(isWebhookRejection(client.verifyWebhook(headers, body))).toBe(false)
    expect(isWebhookRejection(client.verifyWebhook(headers, body, "other"))).toBe(true)
  })

  test("bad options are thrown with what to pass", () => {
    expect(() => makeGatewayClient({ url: "127.0.0.1:8080", apiKey: "k" })).toThrow(/http:\/\//)
    expect(() => makeGatewayClient({ url: "http://h:1", apiKey: " " })).toThrow(/GATEWAY_API_KEYS/)
  })
})

describe("webhooks", () => {
  const made = { id: "wh_1", url: "https://example.com/hook", events: ["confirmed"], created_at: 1, secret: "whsec_x" }

  test("register retries what wrote nothing (503, no connection) and answers the secret", async () => {
    const { client, seen } = scripted([{ status: 503, body: { error: "not_ready", message: "book loading" } }, "refused", { status: 201, body: made }])
    expect(await client.webhooks.register({ url: made.url, events: ["confirmed"] })).toMatchObject({ ok: true, value: { id: "wh_1", secret: "whsec_x" } })
    expect(seen.length).toBe(3)
  })

  test("register does not go again after a timeout: it may have been written", async () => {
    const { client, seen } = scripted(["timeout", { status: 201, body: made }])
    expect(await client.webhooks.register({ url: made.url, events: ["confirmed"] })).toMatchObject({ ok: false, _tag: "Unavailable", attempts: 1, mayHaveBeenAccepted: true })
    expect(seen.length).toBe(1)
  })

  test("rotateSecret sends keep_previous_s, answers the new secret, retries only what wrote nothing; 404 is NotFound", async () => {
    const rotated = { id: "wh_1", secret: "whsec_y", rotated_at: 5, previous_secret_until: 3_605 }
    const { client, seen } = scripted([{ status: 503, body: { error: "kafka_unavailable", message: "refused" } }, { status: 200, body: rotated }, { status: 404, body: { error: "not_found", message: "no webhook" } }])
    expect(await client.webhooks.rotateSecret("wh_1", { keepPreviousS: 3600 })).toEqual({ ok: true, _tag: "Done", value: rotated })
    expect(seen.map((r) => [r.method, r.url.replace(/^https?:\/\/[^/]+/, ""), r.body])).toEqual([
      ["POST", "/v1/webhooks/wh_1/secret", '{"keep_previous_s":3600}'],
      ["POST", "/v1/webhooks/wh_1/secret", '{"keep_previous_s":3600}'],
    ])
    expect(await client.webhooks.rotateSecret("wh_1")).toMatchObject({ ok: false, _tag: "NotFound" })
    const again = scripted(["timeout", { status: 200, body: rotated }])
    expect(await again.client.webhooks.rotateSecret("wh_1")).toMatchObject({ ok: false, _tag: "Unavailable", mayHaveBeenAccepted: true })
    expect(again.seen.length).toBe(1)
  })

  test("list and remove (a 204 is an answer; 404 is NotFound)", async () => {
    const { client } = scripted([{ status: 200, body: { webhooks: [{ ...made, secret: undefined, parked: 2 }] } }, { status: 204 }, { status: 404, body: { error: "not_found", message: "no webhook" } }])
    expect(await client.webhooks.list()).toMatchObject({ ok: true, value: [{ id: "wh_1", parked: 2 }] })
    expect(await client.webhooks.remove("wh_1")).toMatchObject({ ok: true, value: true })
    expect(await client.webhooks.remove("wh_1")).toMatchObject({ ok: false, _tag: "NotFound" })
  })
})
