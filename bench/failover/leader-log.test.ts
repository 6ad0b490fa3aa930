import { describe, expect, test } from "bun:test"
import { addSample, currentLeader, emptyLeaderLog, type LeaderSample, leaderChanges } from "./leader-log.ts"

const feed = (samples: ReadonlyArray<LeaderSample>) => samples.reduce(addSample, emptyLeaderLog)

describe("leader log", () => {
  test("counts a new epoch as a leader change and keeps the gap without a leader", () => {
    const log = feed([
      { atMs: 0, node: "n1", epoch: 10 },
      { atMs: 100, node: "n1", epoch: 10 },
      { atMs: 200, node: undefined, epoch: undefined },
      { atMs: 300, node: undefined, epoch: undefined },
      { atMs: 400, node: "n3", epoch: 25 },
    ])
    expect(log.leaderships).toEqual([
      { node: "n1", epoch: 10, fromMs: 0, untilMs: 200 },
      { node: "n3", epoch: 25, fromMs: 400, untilMs: undefined },
    ])
    expect(leaderChanges(log)).toBe(1)
    expect(currentLeader(log)).toBe("n3")
  })

  test("the same node winning again under a new epoch is a change too", () => {
    const log = feed([
      { atMs: 0, node: "n1", epoch: 10 },
      { atMs: 100, node: "n1", epoch: 31 },
    ])
    expect(leaderChanges(log)).toBe(1)
    expect(log.leaderships[0]?.untilMs).toBe(100)
  })

  test("no samples, no leader", () => {
    expect(leaderChanges(emptyLeaderLog)).toBe(0)
    expect(currentLeader(emptyLeaderLog)).toBeUndefined()
  })
})
