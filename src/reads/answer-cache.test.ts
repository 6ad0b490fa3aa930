import { describe, expect, test } from "bun:test"
import { makeAnswerCache } from "./answer-cache.ts"
import { accountReadKey, planRead } from "./read-methods.ts"

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
    expect(cache.dropHead()).toEqual({ dropped: 1, carried: 0 })
    expect(cache.dropFrom(8)).toBe(1)
    expect(cache.get("old")).toBeDefined()
    expect(cache.get("byHash")).toBeDefined()
    expect(cache.dropWallet()).toBe(1)
    expect(cache.size().entries).toBe(2)
  })

  test("a new head's block carries the head answers of the accounts it did not touch, under the key a read pinned to it has", () => {
    const cache = makeAnswerCache(1 << 20)
    const untouched = "0x00000000000000000000000000000000000000Aa"
    const touched = "0x00000000000000000000000000000000000000bb"
    const put = (method: string, account: string, json: string) => {
      const plan = planRead("ethereum", method, [account, "latest"], { number: 10 })
      if (plan._tag !== "read" || plan.account === undefined) throw new Error(`${method} should be carryable`)
      cache.put(plan.key, { ...answer(json, plan.scope), carry: { method: plan.method, account: plan.account } })
    }
    put("eth_getBalance", untouched, '"0x1"')
    put("eth_getTransactionCount", untouched, '"0x2"')
    put("eth_getBalance", touched, '"0x3"')
    cache.put("latest-call", answer('"0x4"', { _tag: "head", block: 10 }))

    expect(cache.dropHead({ from: 10, to: 11, untouched: (a) => a !== touched })).toEqual({ dropped: 4, carried: 2 })
    expect(cache.size().entries).toBe(2)
    const next = planRead("ethereum", "eth_getBalance", [untouched, "latest"], { number: 11 })
    if (next._tag !== "read") throw new Error("planned")
    expect(next.key).toBe(accountReadKey("eth_getBalance", untouched, 11))
    expect(cache.get(next.key)).toMatchObject({ json: '"0x1"', scope: { _tag: "head", block: 11 } })
    // Only answers about the head before the new one are carried: these are about 11, not 12.
    expect(cache.dropHead({ from: 12, to: 13, untouched: () => true })).toEqual({ dropped: 2, carried: 0 })
    expect(cache.size().entries).toBe(0)
  })

  test("only balance, nonce and code reads pinned to the head can be carried", () => {
    const who = "0x00000000000000000000000000000000000000aa"
    const head = { number: 10 }
    const carryable = (method: string, params: readonly unknown[]) => {
      const plan = planRead("ethereum", method, params, head)
      return plan._tag === "read" && plan.account !== undefined
    }
    expect(carryable("eth_getBalance", [who])).toBe(true)
    expect(carryable("eth_getCode", [who, "0xa"])).toBe(true)
    expect(carryable("eth_getBalance", [who, "0x9"])).toBe(false)
    expect(carryable("eth_getBalance", [who, "pending"])).toBe(false)
    expect(carryable("eth_getStorageAt", [who, "0x0", "latest"])).toBe(false)
    expect(carryable("eth_call", [{ to: who }, "latest"])).toBe(false)
    expect(carryable("eth_getBalance", ["not-an-address", "latest"])).toBe(false)
  })
})
