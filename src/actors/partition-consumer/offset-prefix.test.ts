import { expect, test } from "bun:test"
import { finishedPrefixEnd, groupByKey } from "./offset-prefix.ts"

test.each([
  [["1", "2", "3"], [], undefined],
  [["1", "2", "3"], ["1"], "1"],
  [["1", "2", "3"], ["1", "3"], "1"],
  [["1", "2", "3"], ["2", "3"], undefined],
  [["1", "2", "3"], ["1", "2", "3"], "3"],
])("offsets %p with %p finished commit through %p", (offsets, done, expected) => {
  expect(finishedPrefixEnd(offsets, new Set(done))).toBe(expected)
})

test("groupByKey keeps order within a key and first-seen order of keys", () => {
  const m = (key: string, o: number) => ({ key, o })
  expect(groupByKey([m("a", 1), m("b", 2), m("a", 3), m("c", 4), m("b", 5)])).toEqual([
    [m("a", 1), m("a", 3)],
    [m("b", 2), m("b", 5)],
    [m("c", 4)],
  ])
})
