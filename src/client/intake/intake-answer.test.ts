import { describe, expect, test } from "bun:test"
import { readVerdict } from "./intake-answer.ts"

const now = 1_000_000

describe("readVerdict", () => {
  const cases: ReadonlyArray<[string, number, unknown, string | null, "Done" | "Refused" | "Retry"]> = [
    ["202 accepted", 202, { id: "a", status: "accepted" }, null, "Done"],
    ["200 replay", 200, { id: "a", status: "signed", replayed: true }, null, "Done"],
    ["400 names the field", 400, { error: "invalid_request", message: "params.amount: bad", errors: [{ field: "params.amount", rule: "r", message: "m" }] }, null, "Refused"],
    ["401 no key", 401, { error: "unauthorized", message: "no API key" }, null, "Refused"],
    ["422 key reused", 422, { error: "idempotency_key_reused", message: "m" }, null, "Refused"],
    ["429 rate limited", 429, { error: "rate_limited", message: "m" }, "2", "Retry"],
    ["503 kafka down", 503, { error: "kafka_unavailable", message: "m" }, "1", "Retry"],
    ["500 a bug", 500, { error: "internal", message: "m" }, null, "Retry"],
    ["502 from a proxy, no JSON", 502, undefined, null, "Retry"],
    ["200 that is not JSON", 200, undefined, null, "Retry"],
  ]
  for (const [name, status, body, retryAfter, tag] of cases) {
    test(name, () => expect(readVerdict(status, body, retryAfter, now)._tag).toBe(tag))
  }

  test("a 400's problems are listed", () => {
    const v = readVerdict(400, { error: "invalid_request", message: "m", errors: [{ field: "params.to", rule: "0x address", message: "params.to: must be…" }] }, null, now)
    expect(v._tag === "Refused" ? v.problems : []).toEqual([{ field: "params.to", rule: "0x address", message: "params.to: must be…" }])
  })

  test("Retry-After is read and kafka_ambiguous is marked", () => {
    const v = readVerdict(503, { error: "kafka_ambiguous", message: "may have been accepted" }, "3", now)
    expect(v._tag === "Retry" ? [v.afterMs, v.ambiguous] : []).toEqual([3000, true])
  })

  test("what was written: a 503 kafka_ambiguous may have been, a 503 not_ready and a 429 were not", () => {
    const written = (status: number, error: string) => {
      const v = readVerdict(status, { error, message: "m" }, null, now)
      return v._tag === "Retry" ? v.nothingWritten : undefined
    }
    expect([written(503, "kafka_ambiguous"), written(503, "not_ready"), written(429, "rate_limited"), written(500, "internal")]).toEqual([false, true, true, false])
  })

  test("a lookup may take 404 as an answer", () => {
    expect(readVerdict(404, { error: "not_found", message: "m" }, null, now, [404])._tag).toBe("Done")
  })
})
