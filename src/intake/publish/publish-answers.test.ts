import { describe, expect, test } from "bun:test"
import type { QueuedRequest } from "../../domain/request.ts"
import { batchFailed, type FailedVerdict, requestFailed } from "./publish-answers.ts"

const notSent: FailedVerdict = { _tag: "not-sent", acked: 0 }
const timedOut: FailedVerdict = { _tag: "ambiguous", acked: 0, unsure: 1, why: "Kafka did not ack within 10000 ms" }

describe("requestFailed", () => {
  const cases: ReadonlyArray<readonly [string, FailedVerdict, string | undefined, Record<string, unknown>, readonly string[], readonly string[]]> = [
    ["not sent, with a key", notSent, "k1", { error: "kafka_unavailable", id: "r1", retry_after_s: 2 }, ["NOT accepted", "nothing was sent", "with the same Idempotency-Key"], ["may have been"]],
    ["not sent, without a key", notSent, undefined, { error: "kafka_unavailable", id: "r1" }, ["NOT accepted", "send an Idempotency-Key header"], ["may have been"]],
    ["timed out in Kafka's hands, with a key", timedOut, "k1", { error: "kafka_ambiguous", id: "r1", status_url: "/v1/requests/r1", retry_after_s: 2 },
      ["may have been accepted", "Kafka did not ack within 10000 ms", "retry after 2 s with the same Idempotency-Key", "never runs it twice"], ["NOT accepted", "not accepted"]],
    ["timed out in Kafka's hands, without a key", timedOut, undefined, { error: "kafka_ambiguous", id: "r1", status_url: "/v1/requests/r1" },
      ["may have been accepted", "it may run once: its id is r1", "look it up at /v1/requests/r1 before sending it again", "send an Idempotency-Key next time"], ["NOT accepted", "not accepted"]],
  ]
  test.each(cases)("%s", (_, verdict, key, fields, says, never) => {
    const answer = requestFailed(verdict, "r1", key, 2)
    expect(answer.status).toBe(503)
    expect(answer.headers).toEqual({ "Retry-After": "2" })
    expect(answer.body).toMatchObject(fields)
    for (const s of says) expect(answer.body.message).toContain(s)
    for (const s of never) expect(answer.body.message).not.toContain(s)
  })
})

describe("batchFailed", () => {
  const sent = Array.from({ length: 6 }, (_, i) => ({ id: `b-${i}` }) as QueuedRequest)
  const batch = { id: "b", total: 6, statusUrl: "/v1/batches/b" }
  const cases: ReadonlyArray<readonly [string, FailedVerdict, string | undefined, Record<string, unknown>, readonly string[]]> = [
    ["the third chunk withdrawn: two queued, four not sent", { _tag: "not-sent", acked: 2 }, "k1",
      { error: "kafka_unavailable", batch_id: "b", queued: 2, queued_ids: ["b-0", "b-1"], not_sent: 4 }, ["NOT accepted", "2 of its 6 requests were queued", "the other 4 were not sent", "with the same Idempotency-Key"]],
    ["nothing queued, without a key", { _tag: "not-sent", acked: 0 }, undefined,
      { error: "kafka_unavailable", queued: 0, not_sent: 6 }, ["NOT accepted", "none of its requests were queued", "send an Idempotency-Key header"]],
    ["the second chunk in Kafka's hands at the deadline", { _tag: "ambiguous", acked: 2, unsure: 2, why: "Kafka did not ack within 10000 ms" }, "k1",
      { error: "kafka_ambiguous", status_url: "/v1/batches/b", queued: 2, queued_ids: ["b-0", "b-1"], ambiguous_ids: ["b-2", "b-3"], not_sent: 2 },
      ["2 may have been accepted (ambiguous_ids)", "2 were not sent", "with the same Idempotency-Key", "never run twice"]],
    ["ambiguous, without a key", { _tag: "ambiguous", acked: 0, unsure: 6, why: "Kafka did not ack within 10000 ms" }, undefined,
      { error: "kafka_ambiguous", queued: 0, ambiguous_ids: ["b-0", "b-1", "b-2", "b-3", "b-4", "b-5"], not_sent: 0 }, ["look the requests in ambiguous_ids up at /v1/requests/{id}", "may run twice"]],
  ]
  test.each(cases)("%s", (_, verdict, key, fields, says) => {
    const answer = batchFailed(verdict, batch, sent, key, 5)
    expect([answer.status, answer.headers]).toEqual([503, { "Retry-After": "5" }])
    expect(answer.body).toMatchObject(fields)
    for (const s of says) expect(answer.body.message).toContain(s)
    if (verdict._tag === "ambiguous") expect(answer.body.message).not.toContain("NOT accepted")
  })
})
