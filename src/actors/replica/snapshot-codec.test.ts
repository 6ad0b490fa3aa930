import { describe, expect, test } from "bun:test"
import { emptyDedupe, remember } from "./dedupe.ts"
import { numberList } from "./number-list.ts"
import { decodeSnapshot, encodeSnapshot } from "./snapshot-codec.ts"

describe("snapshot codec", () => {
  test("round-trips state, index, epoch, trim point and dedupe window", () => {
    const dedupe = remember(emptyDedupe(8), [{ id: "a", index: 1 }, { id: "b", index: 2 }])
    const text = encodeSnapshot(numberList, { index: 2, epoch: 17, trimmedTo: 1, state: [4, 5], dedupe })
    const back = decodeSnapshot(numberList, text, 8)
    expect(back?.state).toEqual([4, 5])
    expect(back?.index).toBe(2)
    expect(back?.epoch).toBe(17)
    expect(back?.trimmedTo).toBe(1)
    expect(back && [...back.dedupe.firstIndex]).toEqual([["a", 1], ["b", 2]])
  })

  test("refuses another machine's snapshot and malformed text", () => {
    const text = encodeSnapshot(numberList, { index: 1, epoch: 1, trimmedTo: 0, state: [1], dedupe: emptyDedupe() })
    expect(decodeSnapshot({ ...numberList, name: "other" }, text)).toBeUndefined()
    expect(decodeSnapshot(numberList, "{")).toBeUndefined()
    expect(decodeSnapshot(numberList, JSON.stringify({ machine: "number-list", index: 1, epoch: 1, trimmedTo: 0, state: ["x"], dedupe: [] }))).toBeUndefined()
  })
})
