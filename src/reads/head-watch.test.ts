import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { makeHeadWatch } from "./head-watch.ts"

/** A chain as a list of hashes by height; the node answers from it. */
const chainOf = (prefix: string, length: number, from = 0) => Array.from({ length }, (_, i) => `${i < from ? "a" : prefix}${i}`)

const observe = (watch: ReturnType<typeof makeHeadWatch>, chain: readonly string[], withParent = true) => {
  const n = chain.length - 1
  const head = { number: n, hash: chain[n] ?? "", ...(withParent && n > 0 ? { parentHash: chain[n - 1] ?? "" } : {}) }
  let asked = 0
  const change = Effect.runSync(watch.observe(head, (h) => Effect.sync(() => {
    asked += 1
    return chain[h] ?? ""
  })))
  return { change, asked }
}

describe("head watch", () => {
  test("a block on top of the last one moves the head without asking the node anything", () => {
    const w = makeHeadWatch()
    observe(w, chainOf("a", 10))
    expect(observe(w, chainOf("a", 10))).toEqual({ change: { moved: false }, asked: 0 })
    expect(observe(w, chainOf("a", 11))).toEqual({ change: { moved: true }, asked: 0 })
  })

  test("without parent hashes (Bitcoin) it checks the last height it knew", () => {
    const w = makeHeadWatch()
    observe(w, chainOf("a", 10), false)
    expect(observe(w, chainOf("a", 11), false)).toEqual({ change: { moved: true }, asked: 1 })
  })

  test("a replaced tip at the same height is a reorg from the first height that differs", () => {
    const w = makeHeadWatch()
    for (let n = 5; n <= 10; n++) observe(w, chainOf("a", n))
    // Heights 8 and 9 replaced; the head is still 9.
    expect(observe(w, chainOf("b", 10, 8)).change).toEqual({ moved: true, reorgFrom: 8 })
  })

  test("a longer chain that forked below the last head is found by walking back", () => {
    const w = makeHeadWatch()
    for (let n = 5; n <= 10; n++) observe(w, chainOf("a", n))
    expect(observe(w, chainOf("b", 13, 7)).change).toEqual({ moved: true, reorgFrom: 7 })
  })

  test("a shorter chain drops what lay above its head", () => {
    const w = makeHeadWatch()
    for (let n = 5; n <= 10; n++) observe(w, chainOf("a", n))
    expect(observe(w, chainOf("a", 8)).change).toEqual({ moved: true, reorgFrom: 8 })
  })
})
