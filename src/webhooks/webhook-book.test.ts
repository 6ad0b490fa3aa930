import { describe, expect, test } from "bun:test"
import type { StatusRecord } from "../domain/status.ts"
import { eventOf } from "./event-body.ts"
import { decodeWebhookEntry, encodeParked, encodeWebhook, parkedKey, type Webhook, webhookKey } from "./registration.ts"
import { makeWebhookBook } from "./webhook-book.ts"

const hook = (id: string, owner: string, events: Webhook["events"], created_at = 100): Webhook => ({ id, owner, url: `http://127.0.0.1:9/${id}`, events, secret: "whsec_x", created_at })
const record = (over: Partial<StatusRecord> = {}): StatusRecord => ({ id: "r1", status: "confirmed", chain: "ethereum", sender: "0xa", partition: 0, at: 200, rev: 3, owner: "o1", ...over })
const entry = (key: string, value: string | null) => {
  const decoded = decodeWebhookEntry(key, value)
  if (!decoded.ok) throw new Error(decoded.problem)
  return decoded.value
}

describe("webhook book", () => {
  test("routes a record to its owner's webhooks that want its status and existed before it", () => {
    const book = makeWebhookBook()
    book.apply(entry(webhookKey("a"), encodeWebhook(hook("a", "o1", ["confirmed", "failed"]))))
    book.apply(entry(webhookKey("b"), encodeWebhook(hook("b", "o1", ["submitted"]))))
    book.apply(entry(webhookKey("c"), encodeWebhook(hook("c", "o2", ["confirmed"]))))
    book.apply(entry(webhookKey("d"), encodeWebhook(hook("d", "o1", ["confirmed"], 500))))
    const cases: ReadonlyArray<readonly [string, StatusRecord, readonly string[]]> = [
      ["owner o1, confirmed", record(), ["a"]],
      ["owner o1, submitted", record({ status: "submitted" }), ["b"]],
      ["owner o2", record({ owner: "o2" }), ["c"]],
      ["a change after d was made", record({ at: 600 }), ["a", "d"]],
      ["no owner (an older record)", record({ owner: undefined }), []],
      ["an executor's transaction record", record({ kind: "transaction" }), []],
      ["an unknown owner", record({ owner: "o9" }), []],
    ]
    for (const [name, r, ids] of cases) expect([name, book.subscribersOf(r).map((w) => w.id).sort()]).toEqual([name, [...ids]])
  })

  test("a tombstone removes a webhook; the owner's list and the count follow", () => {
    const book = makeWebhookBook()
    book.apply(entry(webhookKey("a"), encodeWebhook(hook("a", "o1", ["confirmed"]))))
    book.apply(entry(webhookKey("b"), encodeWebhook(hook("b", "o1", ["confirmed"], 50))))
    expect(book.ofOwner("o1").map((w) => w.id)).toEqual(["b", "a"])
    book.apply(entry(webhookKey("a"), null))
    expect(book.get("a")).toBeUndefined()
    expect(book.ofOwner("o1").map((w) => w.id)).toEqual(["b"])
    expect(book.size()).toBe(1)
  })

  test("parked deliveries are listed per webhook and counted, and tombstones take them back", () => {
    const book = makeWebhookBook()
    const parked = { webhook_id: "a", owner: "o1", event_id: "r1:3", url: "http://x", attempts: 7, first_attempt_at: 1, parked_at: 9, last_error: "HTTP 500", event: eventOf(record()) }
    book.apply(entry(parkedKey("a", "r1:3"), encodeParked(parked)))
    book.apply(entry(parkedKey("a", "r1:3"), encodeParked(parked)))
    expect(book.parkedOf("a")).toEqual([parked])
    expect(book.parkedCount()).toBe(1)
    book.apply(entry(parkedKey("a", "r1:3"), null))
    expect(book.parkedOf("a")).toEqual([])
    expect(book.parkedCount()).toBe(0)
  })

  test("keys and values that are not the topic's shape are problems, not entries", () => {
    expect(decodeWebhookEntry("other/x", "{}").ok).toBe(false)
    expect(decodeWebhookEntry(webhookKey("a"), "not json").ok).toBe(false)
    expect(decodeWebhookEntry(webhookKey("a"), encodeWebhook(hook("b", "o1", ["confirmed"]))).ok).toBe(false)
  })
})

describe("event body", () => {
  test("the id is request id and revision; raw bytes and the owner stay out", () => {
    const event = eventOf(record({ raw_tx: "0xdead", versions: [{ txid: "0x1", raw_tx: "0xdead", max_fee: "1", tip: "1", at: 5 }] }))
    expect(event.id).toBe("r1:3")
    expect(event.type).toBe("request.confirmed")
    expect(event.created_at).toBe(200)
    expect(JSON.stringify(event)).not.toContain("0xdead")
    expect(JSON.stringify(event)).not.toContain("o1")
    expect(event.data.versions).toEqual([{ txid: "0x1", max_fee: "1", tip: "1", at: 5 }])
  })
})
