import { describe, expect, test } from "bun:test"
import { makeAnswerCache } from "./answer-cache.ts"

const answer = (json: string, scope: { _tag: "fixed" | "head"; block?: number }, wallet = false) => ({ json, node: "n1", scope, wallet })

describe("answer cache", () => {
  test("keeps what fits and evicts the least recently used first", () => {
    const cache = makeAnswerCache(3 * (1 + 10 + 96))
    cache.put("a", answer("0123456789", { _tag: "fixed" }))
    cache.put("b", answer("0123456789", { _tag: "fixed" }))
    cache.put("c", answer("0123456789", { _tag: "fixed" }))
    expect(cache.get("a")?.json).toBe("0123456789")
    cache.put("d", answer("0123456789", { _tag: "fixed" }))
    expect(cache.get("b")).toBeUndefined()
    expect(cache.get("a")).toBeDefined()
    expect(cache.size()).toEqual({ entries: 3, bytes: 3 * 107 })
  })

  test("an answer larger than the whole budget is not kept", () => {
    const cache = makeAnswerCache(100)
    cache.put("a", answer("x".repeat(200), { _tag: "fixed" }))
    expect(cache.size().entries).toBe(0)
  })

  test("a new head drops the head answers; a reorg drops the answers about the blocks it replaced; a send drops the wallet's", () => {
    const cache = makeAnswerCache(1 << 20)
    cache.put("latest", answer("1", { _tag: "head", block: 10 }))
    cache.put("old", answer("2", { _tag: "fixed", block: 5 }))
    cache.put("replaced", answer("3", { _tag: "fixed", block: 8 }))
    cache.put("byHash", answer("4", { _tag: "fixed" }))
    cache.put("wallet", answer("5", { _tag: "fixed", block: 1 }, true))
    expect(cache.dropHead()).toBe(1)
    expect(cache.dropFrom(8)).toBe(1)
    expect(cache.get("old")).toBeDefined()
    expect(cache.get("byHash")).toBeDefined()
    expect(cache.dropWallet()).toBe(1)
    expect(cache.size().entries).toBe(2)
  })
})
