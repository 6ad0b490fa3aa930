import { describe, expect, test } from "bun:test"
import { headsSignature, isDue } from "./confirmation-schedule.ts"

describe("confirmation schedule", () => {
  test("heads compare by node name, whatever order they were read in", () => {
    expect(headsSignature([["eth-2", 7], ["eth-1", 9]])).toBe(headsSignature([["eth-1", 9], ["eth-2", 7]]))
    expect(headsSignature([["eth-1", 9], ["eth-2", 8]])).not.toBe(headsSignature([["eth-1", 9], ["eth-2", 7]]))
  })

  test("an unreadable head, or no node, gives no signature", () => {
    expect(headsSignature([["btc-1", undefined]])).toBeUndefined()
    expect(headsSignature([["btc-1", Number.NaN]])).toBeUndefined()
    expect(headsSignature([])).toBeUndefined()
  })

  const heads = "btc-1:100"
  test.each([
    { name: "never checked", last: undefined, heads, now: 1_000, due: true },
    { name: "checked at these heads a moment ago", last: { heads, at: 900 }, heads, now: 1_000, due: false },
    { name: "a block came since", last: { heads, at: 900 }, heads: "btc-1:101", now: 1_000, due: true },
    { name: "heads unreadable", last: { heads, at: 900 }, heads: undefined, now: 1_000, due: true },
    { name: "same heads, but the recheck interval passed", last: { heads, at: 0 }, heads, now: 15_000, due: true },
  ])("$name: due $due", ({ last, heads: now_heads, now, due }) => {
    expect(isDue(last, now_heads, now, 15_000)).toBe(due)
  })
})
