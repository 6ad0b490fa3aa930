import { describe, expect, test } from "bun:test"
import { decodeCursor, encodeCursor, isListQueryError, parseListQuery } from "./list-query.ts"

const parse = (params: Record<string, string>) => parseListQuery((name) => params[name])

describe("parseListQuery", () => {
  test.each([
    [{}, { limit: 100 }],
    [{ status: "failed", limit: "5" }, { status: "failed", limit: 5 }],
    [{ sender: "0xAbCdEf0123456789abcdef0123456789ABCDEF01" }, { sender: "0xabcdef0123456789abcdef0123456789abcdef01", limit: 100 }],
    [{ sender: "payroll", chain: "bitcoin" }, { sender: "payroll", chain: "bitcoin", limit: 100 }],
    [{ since: "1764921600000" }, { since: 1764921600000, limit: 100 }],
    [{ since: "2026-12-05T08:00:00Z" }, { since: Date.parse("2026-12-05T08:00:00Z"), limit: 100 }],
  ] as const)("%j reads as %j", (params: Record<string, string>, expected: object) => {
    expect<object>(parse(params)).toEqual(expected)
  })
  test.each([
    [{ status: "stuck" }, "query.status"],
    [{ chain: "solana" }, "query.chain"],
    [{ since: "yesterday" }, "query.since"],
    [{ limit: "0" }, "query.limit"],
    [{ limit: "1001" }, "query.limit"],
    [{ cursor: "not-a-cursor" }, "query.cursor"],
    [{ sender: "a b" }, "query.sender"],
  ])("%j is refused, naming %s", (params, field) => {
    const q = parse(params)
    expect(isListQueryError(q) && q.field).toBe(field)
    expect(isListQueryError(q) && q.message.startsWith(`${field}: `)).toBe(true)
  })
  test("a cursor names the position it was made from", () => {
    const cursor = encodeCursor({ at: 1764921600123, id: "0b6f-id:with:colons" })
    expect(decodeCursor(cursor)).toEqual({ at: 1764921600123, id: "0b6f-id:with:colons" })
    expect(parse({ cursor })).toEqual({ cursor, limit: 100 })
  })
})
