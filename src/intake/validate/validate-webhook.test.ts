import { describe, expect, test } from "bun:test"
import { validateWebhookRequest, webhookRules } from "./validate-webhook.ts"

const good = { url: "https://example.com/hooks", events: ["confirmed", "failed"] as const }

describe("validateWebhookRequest", () => {
  test("accepts an http(s) URL and a set of statuses", () => {
    expect(validateWebhookRequest(good)).toEqual({ ok: true, value: good })
    expect(validateWebhookRequest({ url: "http://127.0.0.1:9000/x?a=1", events: ["dlq"] }).ok).toBe(true)
  })

  const cases: ReadonlyArray<readonly [string, unknown, ReadonlyArray<readonly [string, string]>]> = [
    ["not an object", [1], [["body", "object"]]],
    ["empty object", {}, [["url", "required"], ["events", "required"]]],
    ["an unknown field", { ...good, secret: "mine" }, [["secret", "unknown field"]]],
    ["url not a string", { ...good, url: 5 }, [["url", webhookRules.url]]],
    ["url relative", { ...good, url: "/hooks" }, [["url", webhookRules.url]]],
    ["url ftp", { ...good, url: "ftp://example.com/x" }, [["url", webhookRules.url]]],
    ["url with credentials", { ...good, url: "https://user:pw@example.com/x" }, [["url", webhookRules.credentials]]],
    ["url too long", { ...good, url: `https://example.com/${"a".repeat(2100)}` }, [["url", webhookRules.urlLength]]],
    ["events empty", { ...good, events: [] }, [["events", webhookRules.events]]],
    ["events a string", { ...good, events: "confirmed" }, [["events", webhookRules.events]]],
    ["an unknown status", { ...good, events: ["confirmed", "done"] }, [["events[1]", webhookRules.status]]],
    ["a status twice", { ...good, events: ["failed", "failed"] }, [["events[1]", webhookRules.unique]]],
    ["intent is not offered", { ...good, events: ["intent"] }, [["events[0]", webhookRules.status]]],
    ["accepted is not offered (the 202 says it)", { ...good, events: ["accepted"] }, [["events[0]", webhookRules.status]]],
  ]
  test.each(cases)("refuses %s, naming the field and rule", (_name, body, expected) => {
    const answer = validateWebhookRequest(body)
    expect(answer.ok).toBe(false)
    if (answer.ok) return
    expect(answer.errors.map((e) => [e.field, e.rule])).toEqual(expected.map(([f, r]) => [f, r]))
  })

  test("a URL with credentials is not echoed back in the message", () => {
    const answer = validateWebhookRequest({ ...good, url: "https://user:hunter2@example.com/x" })
    expect(JSON.stringify(answer)).not.toContain("hunter2")
  })
})
