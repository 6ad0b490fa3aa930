import { describe, expect, test } from "bun:test"
import { peerRows } from "./peers.ts"

describe("peerRows", () => {
  test("sorts by node, computes lag against LogSize and marks the leader", () => {
    expect(peerRows(new Map([["c", 7], ["a", 10], ["b", 12]]), 10, "a")).toEqual([
      { node: "a", lpi: 10, lag: 0, leader: true },
      { node: "b", lpi: 12, lag: 0, leader: false },
      { node: "c", lpi: 7, lag: 3, leader: false },
    ])
  })
  test("lists a leader that has not published its LPI yet", () => {
    expect(peerRows(new Map([["b", 4]]), 4, "a")).toEqual([
      { node: "a", lpi: 0, lag: 4, leader: true },
      { node: "b", lpi: 4, lag: 0, leader: false },
    ])
  })
  test("no leader, no rows", () => {
    expect(peerRows(new Map(), 0, undefined)).toEqual([])
  })
})
