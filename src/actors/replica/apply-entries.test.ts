import { describe, expect, test } from "bun:test"
import { applyEntries, type Applied, type Fetched, planSync } from "./apply-entries.ts"
import { emptyDedupe } from "./dedupe.ts"
import { numberList, type NumberList } from "./number-list.ts"

const entry = (index: number, id: string, payload: unknown): Fetched => ({ index, entry: { id, epoch: 7, payload } })
const start: Applied<NumberList> = { state: [], index: 0, dedupe: emptyDedupe(100) }

describe("planSync", () => {
  test("idle when the LPI has reached LogSize", () => {
    expect(planSync(5, 5, [])).toEqual({ _tag: "idle" })
  })

  test("applies the run contiguous from LPI + 1 only", () => {
    const step = planSync(2, 9, [entry(3, "a", 1), entry(4, "b", 2), entry(6, "c", 3)])
    expect(step._tag).toBe("apply")
    if (step._tag === "apply") expect(step.entries.map((e) => e.index)).toEqual([3, 4])
  })

  test("skips entries at or below the LPI", () => {
    const step = planSync(3, 9, [entry(2, "x", 0), entry(3, "a", 1), entry(4, "b", 2)])
    if (step._tag !== "apply") throw new Error(step._tag)
    expect(step.entries.map((e) => e.index)).toEqual([4])
  })

  test("asks for the snapshot when the entries above the LPI were trimmed", () => {
    expect(planSync(0, 120, [entry(96, "a", 1)])).toEqual({ _tag: "load-snapshot", firstAvailable: 96 })
    expect(planSync(10, 120, [])).toEqual({ _tag: "load-snapshot", firstAvailable: undefined })
  })
})

describe("applyEntries", () => {
  test("applies in index order and reports each outcome", () => {
    const { next, outcomes } = applyEntries(numberList, start, [entry(1, "a", 10), entry(2, "b", 20)])
    expect(next.state).toEqual([10, 20])
    expect(next.index).toBe(2)
    expect(outcomes).toEqual([
      { id: "a", index: 1, firstIndex: 1, duplicate: false },
      { id: "b", index: 2, firstIndex: 2, duplicate: false },
    ])
  })

  test("a repeated request id takes effect once, within a batch and across batches", () => {
    const first = applyEntries(numberList, start, [entry(1, "a", 10), entry(2, "a", 10)])
    expect(first.next.state).toEqual([10])
    expect(first.outcomes[1]).toEqual({ id: "a", index: 2, firstIndex: 1, duplicate: true })
    const second = applyEntries(numberList, first.next, [entry(3, "a", 10), entry(4, "b", 5)])
    expect(second.next.state).toEqual([10, 5])
    expect(second.next.index).toBe(4)
    expect(second.outcomes[0]?.firstIndex).toBe(1)
  })

  test("an undecodable entry or an unusable payload advances the LPI and changes nothing", () => {
    const { next, outcomes } = applyEntries(numberList, start, [{ index: 1, entry: undefined }, entry(2, "b", "not a number")])
    expect(next.state).toEqual([])
    expect(next.index).toBe(2)
    expect(outcomes.map((o) => o.id)).toEqual(["b"])
  })

  test("stops at a gap instead of applying out of order", () => {
    const { next } = applyEntries(numberList, start, [entry(1, "a", 1), entry(3, "c", 3)])
    expect(next.index).toBe(1)
  })

  test("replicas applying the same entries in different batch sizes end identical", () => {
    const all = Array.from({ length: 50 }, (_, i) => entry(i + 1, `r${i % 37}`, i))
    const oneBatch = applyEntries(numberList, start, all).next
    let piecewise = start
    for (let i = 0; i < all.length; i += 7) piecewise = applyEntries(numberList, piecewise, all.slice(i, i + 7)).next
    expect(piecewise.state).toEqual(oneBatch.state)
    expect([...piecewise.dedupe.firstIndex]).toEqual([...oneBatch.dedupe.firstIndex])
  })
})
