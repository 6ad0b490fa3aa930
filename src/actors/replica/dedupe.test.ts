import { describe, expect, test } from "bun:test"
import { dedupeFromJson, dedupeToJson, emptyDedupe, firstIndexOf, remember } from "./dedupe.ts"

describe("dedupe window", () => {
  test("remembers the first index of each id", () => {
    const d = remember(emptyDedupe(10), [{ id: "a", index: 1 }, { id: "b", index: 2 }, { id: "a", index: 3 }])
    expect(firstIndexOf(d, "a")).toBe(1)
    expect(firstIndexOf(d, "b")).toBe(2)
    expect(firstIndexOf(d, "c")).toBeUndefined()
  })

  test("evicts the oldest beyond capacity", () => {
    const d = remember(emptyDedupe(2), [{ id: "a", index: 1 }, { id: "b", index: 2 }, { id: "c", index: 3 }])
    expect(firstIndexOf(d, "a")).toBeUndefined()
    expect([...d.firstIndex.keys()]).toEqual(["b", "c"])
  })

  test("never changes the window it was given", () => {
    const d0 = emptyDedupe(4)
    const d1 = remember(d0, [{ id: "a", index: 1 }])
    expect(d0.firstIndex.size).toBe(0)
    expect(d1.firstIndex.size).toBe(1)
  })

  test("round-trips through its snapshot form in order", () => {
    const d = remember(emptyDedupe(3), [{ id: "x", index: 5 }, { id: "y", index: 6 }])
    const back = dedupeFromJson(JSON.parse(JSON.stringify(dedupeToJson(d))), 3)
    expect(back && [...back.firstIndex]).toEqual([["x", 5], ["y", 6]])
    expect(dedupeFromJson([["x", "5"]])).toBeUndefined()
    expect(dedupeFromJson("nope")).toBeUndefined()
  })
})
