import { describe, expect, test } from "bun:test"
import { isWebhookRejection, signedHeaders, verifyWebhook, webhookDigest } from "./webhook-signature.ts"

const body = JSON.stringify({ id: "r1", status: "confirmed" })
const headers = signedHeaders({ webhookId: "wh_1", eventId: "r1:4", secrets: ["s3cret"], body, nowS: 1_800_000_000 })

describe("webhook signature", () => {
  test("a signed delivery verifies and gives its event id", () => {
    expect(verifyWebhook({ secret: "s3cret", headers, body, nowS: 1_800_000_010 })).toEqual({ eventId: "r1:4", timestampS: 1_800_000_000 })
  })

  test("the digest is HMAC-SHA256 over <timestamp>.<body> (a known vector)", () => {
    // echo -n "1.{}" | openssl dgst -sha256 -hmac key
    expect(webhookDigest("key", 1, "{}")).toBe("1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224")
  })

  const rejections: ReadonlyArray<[string, Parameters<typeof verifyWebhook>[0], string]> = [
    ["another secret", { secret: "other", headers, body, nowS: 1_800_000_000 }, "bad-signature"],
    ["a changed body", { secret: "s3cret", headers, body: body.replace("confirmed", "failed"), nowS: 1_800_000_000 }, "bad-signature"],
    ["an old timestamp", { secret: "s3cret", headers, body, nowS: 1_800_000_301 }, "stale-timestamp"],
    ["a future timestamp", { secret: "s3cret", headers, body, nowS: 1_799_999_000 }, "stale-timestamp"],
    ["no signature header", { secret: "s3cret", headers: { ...headers, "gateway-signature": undefined }, body, nowS: 1_800_000_000 }, "missing-header"],
    ["a non-numeric timestamp", { secret: "s3cret", headers: { ...headers, "gateway-timestamp": "soon" }, body, nowS: 1_800_000_000 }, "stale-timestamp"],
  ]
  for (const [name, args, reason] of rejections) {
    test(`refuses ${name}`, () => {
      const answer = verifyWebhook(args)
      expect(isWebhookRejection(answer) ? answer.reason : "accepted").toBe(reason)
    })
  }

  test("during a rotation either secret verifies", () => {
    const rotating = signedHeaders({ webhookId: "wh_1", eventId: "r1:5", secrets: ["old", "new"], body, nowS: 100 })
    expect(isWebhookRejection(verifyWebhook({ secret: "old", headers: rotating, body, nowS: 100 }))).toBe(false)
    expect(isWebhookRejection(verifyWebhook({ secret: "new", headers: rotating, body, nowS: 100 }))).toBe(false)
  })

  test("reads headers from a fetch Headers object", () => {
    expect(isWebhookRejection(verifyWebhook({ secret: "s3cret", headers: new Headers(headers), body, nowS: 1_800_000_000 }))).toBe(false)
  })
})
