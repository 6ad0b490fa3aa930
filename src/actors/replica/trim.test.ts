import { describe, expect, test } from "bun:test"
import { snapshotDue, trimBound } from "./trim.ts"

describe("snapshots and trimming", () => {
  test("a snapshot is due every `every` entries", () => {
    expect(snapshotDue(99, 0, 100)).toBe(false)
    expect(snapshotDue(100, 0, 100)).toBe(true)
    expect(snapshotDue(250, 200, 100)).toBe(false)
  })

  test("trims below the lowest live LPI, never above the snapshot", () => {
    expect(trimBound([120, 95, 130], 120, 0)).toBe(95)
    expect(trimBound([150, 140], 120, 0)).toBe(120)
  })

  test("nothing to trim when the bound has not moved", () => {
    expect(trimBound([95, 130], 120, 95)).toBeUndefined()
    expect(trimBound([0, 130], 120, 0)).toBeUndefined()
  })

  test("only the snapshot bounds trimming when no other replica is alive", () => {
    expect(trimBound([], 120, 0)).toBe(120)
  })
})
