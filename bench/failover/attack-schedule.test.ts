import { describe, expect, test } from "bun:test"
import { attackSchedule, pickTarget } from "./attack-schedule.ts"

describe("attackSchedule", () => {
  test("a 600 s run has 10, 20 and 24 cuts at periods of 60, 30 and 25 s, each ending on a multiple of the period", () => {
    expect(attackSchedule(600, 60, 20)).toHaveLength(10)
    expect(attackSchedule(600, 30, 20)).toHaveLength(20)
    expect(attackSchedule(600, 25, 20)).toHaveLength(24)
    expect(attackSchedule(600, 60, 20)[0]).toEqual({ index: 1, startMs: 40_000, endMs: 60_000 })
    expect(attackSchedule(600, 60, 20)[9]).toEqual({ index: 10, startMs: 580_000, endMs: 600_000 })
  })

  test("the scaled-down test run cuts 3 times for 8 s", () => {
    expect(attackSchedule(60, 20, 8)).toEqual([
      { index: 1, startMs: 12_000, endMs: 20_000 },
      { index: 2, startMs: 32_000, endMs: 40_000 },
      { index: 3, startMs: 52_000, endMs: 60_000 },
    ])
  })

  test("no outage means no cuts; an outage longer than the period is refused", () => {
    expect(attackSchedule(600, 60, 0)).toEqual([])
    expect(() => attackSchedule(600, 10, 20)).toThrow(RangeError)
  })
})

describe("pickTarget", () => {
  const nodes = ["n1", "n2", "n3"]
  test("leader mode cuts the leader when one is known", () => {
    expect(pickTarget("leader", nodes, "n2", () => 0)).toBe("n2")
  })
  test("leader mode without a known leader, and random mode, pick by the random draw", () => {
    expect(pickTarget("leader", nodes, undefined, () => 0.99)).toBe("n3")
    expect(pickTarget("random", nodes, "n2", () => 0)).toBe("n1")
    expect(pickTarget("random", nodes, "n2", () => 0.5)).toBe("n2")
  })
  test("etcd-leader mode cuts the node whose etcd member leads raft, whoever leads the service; unknown, a random node", () => {
    expect(pickTarget("etcd-leader", nodes, "n2", () => 0, "n3")).toBe("n3")
    expect(pickTarget("etcd-leader", nodes, "n2", () => 0, "n2")).toBe("n2")
    expect(pickTarget("etcd-leader", nodes, "n2", () => 0.5, undefined)).toBe("n2")
    expect(pickTarget("etcd-leader", nodes, "n2", () => 0, "n9")).toBe("n1")
  })
})
