import { expect, test } from "bun:test"
import { positionsToDiscard } from "./resume.ts"

const bounds = [
  { partition: 0, low: 0n, high: 100n },
  { partition: 1, low: 50n, high: 80n },
]

test.each([
  ["no stored positions", new Map<number, bigint>(), undefined],
  ["positions inside the topic", new Map([[0, 100n], [1, 50n]]), undefined],
  ["a position past the end (the topic was made again)", new Map([[0, 101n]]), "the topic was made again"],
  ["a position before the start (records deleted unread)", new Map([[1, 49n]]), "records were deleted unread"],
  ["a partition the topic no longer has", new Map([[7, 1n]]), "no longer exists"],
])("%s", (_, saved, reason) => {
  const answer = positionsToDiscard(saved, bounds)
  if (reason === undefined) expect(answer).toBeUndefined()
  else expect(answer).toContain(reason)
})
