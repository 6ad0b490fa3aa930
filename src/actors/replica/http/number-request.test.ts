import { describe, expect, test } from "bun:test"
import { parseNumberRequest } from "./number-request.ts"

describe("parseNumberRequest accepts", () => {
  test.each([
    { text: '{"request_id":"r-1","number":42}', id: "r-1", number: 42 },
    { text: '{"number":-7,"request_id":"8f14e45f-ceea-467f-a0e6-0d4b6b3c5e1a"}', id: "8f14e45f-ceea-467f-a0e6-0d4b6b3c5e1a", number: -7 },
    { text: `{"request_id":"${"x".repeat(128)}","number":9007199254740991}`, id: "x".repeat(128), number: 9007199254740991 },
    { text: '{"request_id":"a","number":0}', id: "a", number: 0 },
  ])("$text", ({ text, id, number }) => {
    expect(parseNumberRequest(text)).toEqual({ ok: true, value: { requestId: id, number } })
  })
})

describe("parseNumberRequest refuses, naming the field", () => {
  const rows: ReadonlyArray<{ readonly name: string; readonly text: string; readonly fields: readonly string[] }> = [
    { name: "not JSON", text: "{number: 1", fields: ["body"] },
    { name: "an array", text: "[1]", fields: ["body"] },
    { name: "null", text: "null", fields: ["body"] },
    { name: "empty object", text: "{}", fields: ["request_id", "number"] },
    { name: "fraction", text: '{"request_id":"a","number":1.5}', fields: ["number"] },
    { name: "number as string", text: '{"request_id":"a","number":"1"}', fields: ["number"] },
    { name: "beyond 2^53", text: '{"request_id":"a","number":9007199254740992}', fields: ["number"] },
    { name: "null number", text: '{"request_id":"a","number":null}', fields: ["number"] },
    { name: "empty id", text: '{"request_id":"","number":1}', fields: ["request_id"] },
    { name: "id with a space", text: '{"request_id":"a b","number":1}', fields: ["request_id"] },
    { name: "id too long", text: `{"request_id":"${"x".repeat(129)}","number":1}`, fields: ["request_id"] },
    { name: "numeric id", text: '{"request_id":5,"number":1}', fields: ["request_id"] },
    { name: "unknown field", text: '{"request_id":"a","number":1,"numbr":2}', fields: ["numbr"] },
  ]
  test.each(rows)("$name", ({ text, fields }) => {
    const r = parseNumberRequest(text)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.issues.map((i) => i.field)).toEqual([...fields])
      for (const i of r.issues) expect(i.rule.length).toBeGreaterThan(10)
    }
  })
})
