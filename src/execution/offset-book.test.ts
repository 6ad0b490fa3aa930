import { describe, expect, test } from "bun:test"
import { makeOffsetBook } from "./offset-book.ts"

describe("offset book", () => {
  test.each([
    { name: "nothing finished", received: [5n, 6n, 7n], finished: [], next: undefined, open: 3 },
    { name: "the first finished", received: [5n, 6n, 7n], finished: [5n], next: 6n, open: 2 },
    { name: "a gap holds the offset back", received: [5n, 6n, 7n], finished: [5n, 7n], next: 6n, open: 2 },
    { name: "later first, then the gap", received: [5n, 6n, 7n], finished: [7n, 6n, 5n], next: 8n, open: 0 },
    { name: "offsets with holes (compaction, markers)", received: [5n, 9n, 12n], finished: [5n, 9n], next: 10n, open: 1 },
  ])("$name", ({ received, finished, next, open }) => {
    const book = makeOffsetBook()
    book.receive(received)
    for (const o of finished) book.finish([o])
    expect(book.committable()).toBe(next)
    expect(book.open()).toBe(open)
  })

  test("the committed offset at assignment is the starting point", () => {
    expect(makeOffsetBook(40n).committable()).toBe(40n)
  })

  test("a long run keeps working after the held list is compacted", () => {
    const book = makeOffsetBook()
    const all = Array.from({ length: 10_000 }, (_, i) => BigInt(i))
    book.receive(all)
    for (const o of all) book.finish([o])
    expect(book.committable()).toBe(10_000n)
    book.receive([10_000n])
    book.finish([10_000n])
    expect(book.committable()).toBe(10_001n)
  })
})
