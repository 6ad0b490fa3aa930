import { describe, expect, test } from "bun:test"
import type { AttemptOutcome } from "../../adapters/webhook-http.ts"
import type { WebhookSettings } from "../../config/gateway-config.ts"
import { isWebhookRejection, verifyWebhook } from "../../domain/webhook-signature.ts"
import { makeMetrics } from "../../observability/metrics.ts"
import { eventOf } from "../../webhooks/event-body.ts"
import type { ParkedDelivery, Webhook } from "../../webhooks/registration.ts"
import { makeWebhookBook } from "../../webhooks/webhook-book.ts"
import { type Delivery, type DeliveryEnd, makeDispatcher } from "./dispatcher.ts"
import { notifierMetrics } from "./events.ts"

const settings: WebhookSettings = { enabled: true, retryForMs: 60, timeoutMs: 1000, maxInFlight: 8, maxInFlightPerEndpoint: 1, maxPending: 100, maxPendingPerEndpoint: 100, maxPerKey: 16 }
const hook = (id: string): Webhook => ({ id, owner: "o", url: `http://127.0.0.1:9/${id}`, events: ["confirmed"], secret: `whsec_${id}`, created_at: 0 })
const delivery = (webhookId: string, request: string): Delivery => {
  const event = eventOf({ id: request, status: "confirmed", chain: "ethereum", sender: "0xa", partition: 0, at: 1, rev: 2, owner: "o" })
  return { webhookId, event, body: JSON.stringify(event), readAt: Date.now() }
}

type Post = Parameters<typeof makeDispatcher>[0]["post"]

const harness = (post: Post, park: (p: ParkedDelivery) => Promise<void> = async () => undefined, overrides: Partial<WebhookSettings> = {}) => {
  const hooks = ["a", "b"]
  const book = makeWebhookBook()
  for (const id of hooks) book.apply({ _tag: "webhook", id, webhook: hook(id) })
  const parked: ParkedDelivery[] = []
  const dispatcher = makeDispatcher({
    settings: { ...settings, ...overrides },
    book,
    post,
    park: async (p) => {
      await park(p)
      parked.push(p)
    },
    metrics: notifierMetrics(makeMetrics()),
    onAttemptFailed: () => undefined,
    onParked: () => undefined,
    onParkWriteFailed: () => undefined,
  })
  const ends = new Map<string, DeliveryEnd>()
  const send = (d: Delivery) => new Promise<DeliveryEnd>((resolve) => dispatcher.enqueue(d, (end) => {
    ends.set(`${d.webhookId}/${d.event.id}`, end)
    resolve(end)
  }))
  return { book, parked, dispatcher, ends, send }
}

describe("dispatcher", () => {
  test("a 2xx delivers; every attempt is signed so verifyWebhook accepts it with the webhook's secret", async () => {
    const seen: Array<{ url: string; headers: Readonly<Record<string, string>>; body: string }> = []
    const h = harness(async (args) => {
      seen.push(args)
      return { _tag: "delivered", status: 204 }
    })
    expect(await h.send(delivery("a", "r1"))).toBe("delivered")
    const first = seen[0]
    if (first === undefined) throw new Error("nothing was posted")
    expect(first.url).toBe("http://127.0.0.1:9/a")
    const check = verifyWebhook({ secret: "whsec_a", headers: first.headers, body: first.body })
    expect(isWebhookRejection(check) ? check.reason : check.eventId).toBe("r1:2")
  })

  test("while a rotation keeps the old secret, a delivery verifies under either secret; after it, under the new one only", async () => {
    const seen: Array<{ headers: Readonly<Record<string, string>>; body: string }> = []
    const h = harness(async (args) => {
      seen.push(args)
      return { _tag: "delivered", status: 204 }
    })
    const rotated = (until: number): Webhook => ({ ...hook("a"), secret: "whsec_new", previous_secret: "whsec_a", previous_secret_until: until, rotated_at: 0 })
    const verifies = (secret: string) => {
      const last = seen.at(-1)
      if (last === undefined) throw new Error("nothing was posted")
      return !isWebhookRejection(verifyWebhook({ secret, headers: last.headers, body: last.body }))
    }
    h.book.apply({ _tag: "webhook", id: "a", webhook: rotated(Date.now() + 60_000) })
    expect(await h.send(delivery("a", "r1"))).toBe("delivered")
    expect([verifies("whsec_new"), verifies("whsec_a")]).toEqual([true, true])
    h.book.apply({ _tag: "webhook", id: "a", webhook: rotated(Date.now() - 1) })
    expect(await h.send(delivery("a", "r2"))).toBe("delivered")
    expect([verifies("whsec_new"), verifies("whsec_a")]).toEqual([true, false])
  })

  test("an endpoint that keeps failing is retried until retry_for, then parked with its last error", async () => {
    let attempts = 0
    const h = harness(async () => {
      attempts += 1
      return { _tag: "http-error", status: 500 }
    })
    expect(await h.send(delivery("a", "r1"))).toBe("parked")
    expect(attempts).toBeGreaterThanOrEqual(2)
    expect(h.parked).toHaveLength(1)
    expect(h.parked[0]).toMatchObject({ webhook_id: "a", event_id: "r1:2", attempts, last_error: "HTTP 500", url: "http://127.0.0.1:9/a" })
  })

  test("a stalled endpoint holds only its own lane: the other endpoint's deliveries go on", async () => {
    let release: (o: AttemptOutcome) => void = () => undefined
    const h = harness((args) => (args.url.endsWith("/a") ? new Promise<AttemptOutcome>((resolve) => { release = resolve }) : Promise.resolve({ _tag: "delivered", status: 200 })))
    const stalled = h.send(delivery("a", "r1"))
    void h.send(delivery("a", "r2"))
    const others = await Promise.all([h.send(delivery("b", "r1")), h.send(delivery("b", "r2")), h.send(delivery("b", "r3"))])
    expect(others).toEqual(["delivered", "delivered", "delivered"])
    expect(h.ends.has("a/r1:2")).toBe(false)
    release({ _tag: "delivered", status: 200 })
    expect(await stalled).toBe("delivered")
    h.dispatcher.stop()
  })

  test("past max_pending_per_endpoint, an endpoint's new events are parked at once; another endpoint's are not", async () => {
    const h = harness(async (args) => (args.url.endsWith("/a") ? new Promise<AttemptOutcome>(() => undefined) : { _tag: "delivered", status: 200 }), undefined, { maxPendingPerEndpoint: 2 })
    void h.send(delivery("a", "r1"))
    void h.send(delivery("a", "r2"))
    expect(await h.send(delivery("a", "r3"))).toBe("parked")
    expect(h.parked[0]).toMatchObject({ event_id: "r3:2", attempts: 0, last_error: expect.stringContaining("max_pending_per_endpoint") })
    expect(await h.send(delivery("b", "r1"))).toBe("delivered")
    h.dispatcher.stop()
  })

  test("a delivery whose webhook was deleted is dropped, not posted", async () => {
    let posts = 0
    const h = harness(async () => {
      posts += 1
      return { _tag: "delivered", status: 200 }
    })
    h.book.apply({ _tag: "webhook", id: "a", webhook: undefined })
    expect(await h.send(delivery("a", "r1"))).toBe("dropped")
    expect(posts).toBe(0)
  })

  test("a park that Kafka refuses is written again; the delivery finishes only once it is written", async () => {
    let refusals = 1
    const h = harness(
      async () => ({ _tag: "timeout", afterMs: 1000 }),
      async () => {
        if (refusals-- > 0) throw new Error("not now")
      },
    )
    expect(await h.send(delivery("a", "r1"))).toBe("parked")
    expect(h.parked[0]?.last_error).toBe("no answer within 1000 ms")
  })
})
