import { expect, test } from "bun:test"
import { makeNonceLedger } from "./nonce-ledger.ts"

test.each([
  // node pending, highest recorded -> first nonce
  [0, undefined, 0],
  [5, undefined, 5],
  [5, 7, 8],
  [9, 7, 9],
])("node pending %p and recorded %p start at %p", (pending, recorded, first) => {
  const l = makeNonceLedger()
  l.init("a", pending, recorded)
  expect(l.take("a")).toBe(first)
  expect(l.take("a")).toBe(first + 1)
})

test("reset forgets the sender; taking before init is a programming error", () => {
  const l = makeNonceLedger()
  l.init("a", 3, undefined)
  l.reset("a")
  expect(l.known("a")).toBe(false)
  expect(() => l.take("a")).toThrow("used before init")
})
