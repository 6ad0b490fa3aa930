import { describe, expect, test } from "bun:test"
import { readLookup } from "./request-lookup.ts"

describe("readLookup (GET /v1/requests/:id)", () => {
  const at = "http://10.0.0.1:8091"
  test("200 is applied at its index", () => {
    expect(readLookup(at, { _tag: "Reply", status: 200, body: { request_id: "r", index: 7, node: "n1", lpi: 9 } })).toEqual({ _tag: "RequestApplied", location: at, node: "n1", index: 7, lpi: 9 })
  })
  test("404 unknown_request is not applied as of lpi", () => {
    expect(readLookup(at, { _tag: "Reply", status: 404, body: { error: "unknown_request", request_id: "r", node: "n1", lpi: 9, message: "..." } })).toEqual({
      _tag: "RequestUnknown", location: at, node: "n1", lpi: 9,
    })
  })
  test.each([
    ["a 404 of another server (no route)", 404, { error: "not_found" }],
    ["a 400", 400, { error: "invalid_request", field: "request_id" }],
    ["a 200 without an index", 200, { node: "n1", lpi: 1 }],
    ["no body", 503, undefined],
  ])("%s is a failed read, never 'not applied'", (_name, status, body) => {
    expect(readLookup(at, { _tag: "Reply", status, body })._tag).toBe("ReadFailed")
  })
  test("no answer is a failed read naming why", () => {
    expect(readLookup(at, { _tag: "NoAnswer", kind: "timeout", detail: "no answer within 10 ms" })).toEqual({ _tag: "ReadFailed", location: at, detail: "timeout: no answer within 10 ms" })
  })
})
