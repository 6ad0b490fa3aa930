import { expect, test } from "bun:test"
import { duplicateIds, restartGroup } from "./supervisor-spec.ts"

test("restartGroup picks children by strategy, in start order", () => {
  expect(restartGroup("one_for_one", 1, 4)).toEqual([1])
  expect(restartGroup("one_for_all", 1, 4)).toEqual([0, 1, 2, 3])
  expect(restartGroup("rest_for_one", 1, 4)).toEqual([1, 2, 3])
  expect(restartGroup("rest_for_one", 3, 4)).toEqual([3])
})

test("duplicateIds reports each repeated id once", () => {
  expect(duplicateIds([{ id: "a" }, { id: "b" }, { id: "a" }, { id: "a" }])).toEqual(["a"])
  expect(duplicateIds([{ id: "a" }, { id: "b" }])).toEqual([])
})
