import { describe, expect, test } from "bun:test"
import { readAnswer, type ServiceAnswer } from "./service-answer.ts"

describe("readAnswer (POST /v1/numbers)", () => {
  const cases: ReadonlyArray<readonly [string, number, unknown, string | null, ServiceAnswer]> = [
    [
      "200 applied",
      200,
      { request_id: "r", index: 4, node: "n1", epoch: 1234, duplicate: false },
      null,
      { _tag: "Applied", index: 4, node: "n1", epoch: 1234n, duplicate: false },
    ],
    [
      "200 duplicate, epoch as a string",
      200,
      { request_id: "r", index: 4, node: "n1", epoch: "1234", duplicate: true },
      null,
      { _tag: "Applied", index: 4, node: "n1", epoch: 1234n, duplicate: true },
    ],
    ["200 without an index is not the service", 200, { ok: true }, null, { _tag: "NoAnswer", kind: "bad-answer", detail: "HTTP 200: no index and node in the body; is this location the sample service?" }],
    [
      "421 with the leader",
      421,
      { error: "not_leader", reason: "follower", leader: { node: "n2", location: "http://127.0.0.1:8092" } },
      null,
      { _tag: "NotLeader", reason: "follower", leader: { node: "n2", location: "http://127.0.0.1:8092" } },
    ],
    ["421 with no leader", 421, { error: "not_leader", reason: "stepped-down", leader: null }, null, { _tag: "NotLeader", reason: "stepped-down", leader: null }],
    ["421 with an empty location", 421, { error: "not_leader", leader: { node: "n2", location: "" } }, null, { _tag: "NotLeader", reason: "not_leader", leader: null }],
    ["400 names the field and rule", 400, { error: "invalid_request", field: "number", rule: "an integer" }, null, { _tag: "Invalid", field: "number", rule: "an integer" }],
    ["400 without details", 400, undefined, null, { _tag: "Invalid", field: "request", rule: "refused by the service" }],
    ["503 with Retry-After", 503, { error: "unavailable" }, "2", { _tag: "Unavailable", status: 503, retryAfterMs: 2000 }],
    ["502 from a proxy", 502, undefined, null, { _tag: "Unavailable", status: 502, retryAfterMs: undefined }],
    ["404 is not the service", 404, undefined, null, { _tag: "NoAnswer", kind: "bad-answer", detail: "HTTP 404: not an answer of the sample service's POST /v1/numbers" }],
  ]
  test.each(cases)("%s", (_name, status, body, retryAfter, expected) => {
    expect(readAnswer(status, body, retryAfter)).toEqual(expected)
  })
})
