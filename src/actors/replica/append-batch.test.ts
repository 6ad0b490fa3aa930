import { describe, expect, test } from "bun:test"
import { planAppends } from "./append-batch.ts"

const entries = (n: number, payload: unknown = 1) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, epoch: 3, payload }))

describe("planAppends", () => {
  test("numbers entries from LogSize + 1 in arrival order", () => {
    const [batch] = planAppends(41, entries(3))
    expect(batch?.map((p) => [p.index, p.entry.id])).toEqual([[42, "r0"], [43, "r1"], [44, "r2"]])
  })

  test("splits by entry count", () => {
    const batches = planAppends(0, entries(250), 100)
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50])
    expect(batches[2]?.[0]?.index).toBe(201)
  })

  test("splits by bytes, but never leaves a batch empty", () => {
    const big = "x".repeat(600)
    expect(planAppends(0, entries(3, big), 100, 1000).map((b) => b.length)).toEqual([1, 1, 1])
    expect(planAppends(0, entries(1, "y".repeat(5000)), 100, 1000).map((b) => b.length)).toEqual([1])
  })

  test("nothing to append, no transaction", () => {
    expect(planAppends(7, [])).toEqual([])
  })
})
