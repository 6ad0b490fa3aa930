import { describe, expect, test } from "bun:test"
import { batchTexts, failureDetail, firstApiKey, outcomeOf } from "./intake-client.ts"

describe("outcomeOf", () => {
  test.each([
    [{ status: 202, text: '{"id":"x"}' }, { ok: true, status: 202 }],
    [{ status: 503, text: '{"error":"overloaded","message":"..."}' }, { ok: false, status: 503, detail: "overloaded" }],
    [{ status: 200, text: '{"replayed":true}' }, { ok: false, status: 200, detail: '{"replayed":true}' }],
    [{ status: 0, text: "TimeoutError: timed out" }, { ok: false, status: 0, detail: "TimeoutError: timed out" }],
  ])("%o", (answer, expected) => {
    expect(outcomeOf(answer)).toEqual(expected)
  })

  test("cuts long non-JSON answers", () => {
    expect(failureDetail({ status: 500, text: "x".repeat(500) })).toHaveLength(120)
  })
})

describe("firstApiKey", () => {
  test.each([
    ["a,b", "a"],
    [" , k2 ", "k2"],
    ["", undefined],
    [undefined, undefined],
  ])("%p", (list, expected) => {
    expect(firstApiKey(list)).toBe(expected)
  })
})

describe("batchTexts", () => {
  test("holds at most `size` requests a batch, in order", () => {
    const batches = batchTexts([1, 2, 3, 4, 5], 2)
    expect(batches.map((b) => b.count)).toEqual([2, 2, 1])
    expect(JSON.parse(batches[2]?.text ?? "")).toEqual({ requests: [5] })
  })
})
