import { describe, expect, test } from "bun:test"
import { editDistance, nearestName } from "./nearest-name.ts"

describe("editDistance", () => {
  const cases: ReadonlyArray<readonly [string, string, number]> = [
    ["host", "host", 0],
    ["hots", "host", 1],
    ["consumr", "consumer", 1],
    ["", "abc", 3],
    ["kitten", "sitting", 3],
  ]
  test.each(cases)("%p vs %p = %p", (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected)
  })
})

describe("nearestName", () => {
  const candidates = ["--config", "--host", "--role", "--help"]
  const cases: ReadonlyArray<readonly [string, string | undefined]> = [
    ["--hots", "--host"],
    ["--conifg", "--config"],
    ["--roles", "--role"],
    ["--xyz", undefined],
    ["--HOST", "--host"],
  ]
  test.each(cases)("%p -> %p", (typed, expected) => {
    expect(nearestName(typed, candidates)).toBe(expected)
  })
})
