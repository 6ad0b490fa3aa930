import { describe, expect, test } from "bun:test"
import { findDuplicateKey, maxJsonDepth, nestedDeeperThan, parseJsonBody } from "./json-body.ts"

describe("findDuplicateKey", () => {
  const cases: ReadonlyArray<readonly [string, string, { path: string; key: string } | undefined]> = [
    ["no duplicates", `{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}`, undefined],
    ["top level", `{"a":1,"a":2}`, { path: "", key: "a" }],
    ["nested object", `{"params":{"amounts":{"x1":"1","x1":"2"}}}`, { path: "params.amounts", key: "x1" }],
    ["address-like keys are quoted in the path", `{"m":{"1A":{"k":1,"k":2}}}`, { path: `m["1A"]`, key: "k" }],
    ["inside an array", `{"requests":[{"a":1},{"a":1,"b":2,"b":3}]}`, { path: "requests[1]", key: "b" }],
    ["escaped key equal to plain key", `{"a":1,"\\u0061":2}`, { path: "", key: "a" }],
    ["quotes and braces inside strings are skipped", `{"a":"}{\\",\\"a\\":","b":"[,]"}`, undefined],
    ["values that look like keys", `{"a":"a","b":"a"}`, undefined],
    ["string ending in an escaped backslash", `{"a":"x\\\\","a":1}`, { path: "", key: "a" }],
  ]
  for (const [name, text, expected] of cases) {
    test(name, () => {
      JSON.parse(text)
      expect(findDuplicateKey(text)).toEqual(expected)
    })
  }
})

describe("parseJsonBody", () => {
  test("parses an object", () => expect(parseJsonBody(`{"a":[1,2]}`)).toEqual({ ok: true, value: { a: [1, 2] } }))
  test("names the syntax problem and says what to send", () => {
    const r = parseJsonBody(`{"a":`)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).toMatch(/^body is not valid JSON \(.+\); send one JSON object/)
  })
  test("an empty body says so", () => {
    const r = parseJsonBody("  ")
    if (r.ok) throw new Error("expected a failure")
    expect(r.message).toContain("the body is empty")
  })
  test("a duplicate key is refused with its path", () => {
    const r = parseJsonBody(`{"params":{"amounts":{"k":"1","k":"2"}}}`)
    expect(r).toMatchObject({ ok: false, kind: "duplicate-key", path: "params.amounts", key: "k" })
  })
  test("a body nested past the limit is refused before it is parsed, naming the limit", () => {
    const r = parseJsonBody(`${"[".repeat(100_000)}${"]".repeat(100_000)}`)
    expect(r).toMatchObject({ ok: false, kind: "too-deep" })
    if (!r.ok) expect(r.message).toContain(String(maxJsonDepth))
  })
})

describe("nestedDeeperThan", () => {
  test("counts objects and arrays, not brackets inside strings or escaped quotes", () => {
    const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`
    expect(nestedDeeperThan(deep(maxJsonDepth), maxJsonDepth)).toBe(false)
    expect(nestedDeeperThan(deep(maxJsonDepth + 1), maxJsonDepth)).toBe(true)
    expect(nestedDeeperThan(`{"a":"[[[[\\\"[[[[","b":{"c":[1]}}`, 3)).toBe(false)
    expect(nestedDeeperThan(`{"a":{"b":{"c":1}}}`, 2)).toBe(true)
  })
})
