import { describe, expect, test } from "bun:test"
import { afterRefusal, makeSenderBook, startingNonce, unfilledNonces, type Slot } from "./sender-book.ts"

const slot = (sender: string, nonce: number, hash: string): Slot => ({
  sender, nonce, owner: `r-${nonce}`, filler: false, clientSigned: false, call: false, reported: "signed", triedAt: undefined, node: "eth-1", sentAt: undefined, mined: undefined, refused: undefined, recorded: true,
  versions: [{ hash, raw: `0x${hash}`, fees: { maxFee: 2n, tip: 1n }, at: 0 }],
})

describe("sender book", () => {
  test.each([
    { name: "a fresh sender starts at the pool's count", pending: 7, slots: [], recorded: undefined, next: 7 },
    { name: "recorded slots above the pool push it up", pending: 7, slots: [7, 8, 9], recorded: undefined, next: 10 },
    { name: "a recorded final nonce above both counts", pending: 3, slots: [], recorded: 5, next: 6 },
    { name: "the pool ahead of the records wins", pending: 12, slots: [9], recorded: 9, next: 12 },
  ])("starting nonce: $name", ({ pending, slots, recorded, next }) => {
    expect(startingNonce(pending, slots, recorded)).toBe(next)
  })

  test.each([
    { name: "nothing missing", mined: 5, pending: 8, next: 8, owned: [5, 6, 7], gaps: [] },
    { name: "a refused nonce between signed ones", mined: 5, pending: 6, next: 9, owned: [5, 7, 8], gaps: [6] },
    { name: "pooled nonces are not gaps even if not ours", mined: 5, pending: 8, next: 9, owned: [8], gaps: [] },
    { name: "two gaps above the pool", mined: 2, pending: 3, next: 7, owned: [4, 6], gaps: [3, 5] },
    { name: "mined nonces are never gaps", mined: 9, pending: 9, next: 9, owned: [], gaps: [] },
  ])("unfilled nonces: $name", ({ mined, pending, next, owned, gaps }) => {
    expect(unfilledNonces(mined, pending, next, new Set<number>(owned))).toEqual([...gaps])
  })

  test.each([
    [4, 5, "reuse"],
    [4, 6, "fill"],
    [4, undefined, "fill"],
  ] as const)("a refusal at %p with next %p: %p", (nonce, next, expected) => {
    expect(afterRefusal(nonce, next)).toBe(expected)
  })

  test("slots are found by any version's hash, and forgotten with their slot", () => {
    const book = makeSenderBook()
    const s = slot("0xa", 3, "h1")
    book.put(s)
    book.put({ ...s, versions: [...s.versions, { hash: "h2", raw: "0xh2", fees: { maxFee: 3n, tip: 2n }, at: 1 }] })
    expect(book.byHash("h1")?.nonce).toBe(3)
    expect(book.byHash("h2")?.versions.length).toBe(2)
    expect(book.inFlight("0xa")).toBe(1)
    book.drop("0xa", 3)
    expect(book.byHash("h2")).toBeUndefined()
    expect(book.inFlight("0xa")).toBe(0)
  })

  test("the nodes in use follow the slots: a slot moved to another node, and the last slot of a node dropped", () => {
    const book = makeSenderBook()
    const nodes = () => [...book.nodes()].sort()
    expect(nodes()).toEqual([])
    book.put(slot("0xa", 1, "h1"))
    book.put(slot("0xb", 1, "h2"))
    book.put({ ...slot("0xb", 2, "h3"), node: "eth-2" })
    expect(nodes()).toEqual(["eth-1", "eth-2"])
    // Put again at the same nonce, on another node: it counts there only.
    book.put({ ...slot("0xa", 1, "h4"), node: "eth-2" })
    book.drop("0xb", 1)
    expect(nodes()).toEqual(["eth-2"])
    book.drop("0xa", 1)
    expect(nodes()).toEqual(["eth-2"])
    book.drop("0xb", 2)
    book.drop("0xb", 2)
    expect(nodes()).toEqual([])
  })

  test("take hands out consecutive nonces once initialised", () => {
    const book = makeSenderBook()
    const s = book.get("0xb")
    expect(() => book.take(s)).toThrow()
    s.next = 4
    expect([book.take(s), book.take(s), s.next]).toEqual([4, 5, 6])
  })
})
