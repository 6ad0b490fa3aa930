import { describe, expect, test } from "bun:test"
import { decodeWebhookEntry, encodeWebhook, signingSecrets, type Webhook } from "./registration.ts"

const webhook: Webhook = { id: "wh_1", owner: "o", url: "https://example.com/h", events: ["confirmed"], secret: "whsec_new", created_at: 1 }

describe("a rotated webhook's secrets", () => {
  test("the replaced secret signs beside the new one until its time, then only the new one", () => {
    const rotated: Webhook = { ...webhook, previous_secret: "whsec_old", previous_secret_until: 1_000, rotated_at: 500 }
    expect(signingSecrets(rotated, 999)).toEqual(["whsec_new", "whsec_old"])
    expect(signingSecrets(rotated, 1_000)).toEqual(["whsec_new"])
    expect(signingSecrets(webhook, 0)).toEqual(["whsec_new"])
  })

  test("the codec keeps the rotation, and refuses a rotation field of the wrong type", () => {
    const rotated: Webhook = { ...webhook, previous_secret: "whsec_old", previous_secret_until: 1_000, rotated_at: 500 }
    expect(decodeWebhookEntry("webhook/wh_1", encodeWebhook(rotated))).toEqual({ ok: true, value: { _tag: "webhook", id: "wh_1", webhook: rotated } })
    expect(decodeWebhookEntry("webhook/wh_1", JSON.stringify({ ...webhook, previous_secret_until: "soon" })).ok).toBe(false)
    expect(decodeWebhookEntry("webhook/wh_1", JSON.stringify({ ...webhook, previous_secret: 7 })).ok).toBe(false)
  })
})
