import { describe, expect, test } from "bun:test"
import type { MembershipEvent } from "../../adapters/kafka.ts"
import { initialSignal, readSignal, stepSignal } from "../../host/readiness.ts"
import { groupCheckOptions, membershipEvidence } from "./group-membership.ts"

const timings = { groupId: "g1", sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000 }
const options = groupCheckOptions(timings)

describe("membershipEvidence", () => {
  const cases: ReadonlyArray<readonly [MembershipEvent, unknown]> = [
    [{ _tag: "joined", memberId: "m-1" }, { ok: true }],
    [{ _tag: "heartbeat" }, { ok: true }],
    [{ _tag: "rebalancing" }, undefined],
    [{ _tag: "crashed", error: "Connection error: connect ECONNREFUSED 127.0.0.1:19092", restart: true }, { ok: false, reason: "the consumer of group g1 crashed (Connection error: connect ECONNREFUSED 127.0.0.1:19092); it re-joins once restarted" }],
    [{ _tag: "disconnected" }, { ok: false, reason: "the consumer of group g1 disconnected from Kafka" }],
    [{ _tag: "stopped" }, { ok: false, reason: "the consumer of group g1 stopped" }],
  ]
  test.each(cases)("%p", (event, expected) => {
    expect(membershipEvidence(event, "g1")).toEqual(expected as never)
  })
})

describe("the consumer.group check over a run of events", () => {
  type Step = readonly [at: number, event: MembershipEvent]
  const run = (steps: readonly Step[], now: number) => {
    let state = initialSignal(options, 0)
    for (const [at, event] of steps) {
      const evidence = membershipEvidence(event, "g1")
      if (evidence !== undefined) state = stepSignal(state, evidence, at, options)
    }
    return readSignal(state, now, options)
  }
  const joined: MembershipEvent = { _tag: "joined", memberId: "m-1" }
  const beat: MembershipEvent = { _tag: "heartbeat" }
  const cases: ReadonlyArray<readonly [string, readonly Step[], number, unknown]> = [
    ["not joined yet", [], 100, { ok: false, since: 0, reason: "the consumer has not joined group g1 yet" }],
    ["joined and heartbeating", [[100, joined], [5100, beat], [10100, beat]], 12000, { ok: true, since: 100 }],
    ["a rebalance in between keeps the membership", [[100, joined], [2000, { _tag: "rebalancing" }], [2500, joined]], 3000, { ok: true, since: 100 }],
    ["heartbeats stopped longer than session timeout + interval: evicted since then", [[100, joined], [1100, beat]], 9000,
      { ok: false, since: 8100, reason: "no heartbeat of group g1 answered within the session timeout (6000 ms), so the coordinator has evicted this member (last ok 7900 ms ago, allowed 7000 ms)" }],
    ["a crash fails at once", [[100, joined], [1100, beat], [1500, { _tag: "crashed", error: "boom", restart: true }]], 1600,
      { ok: false, since: 1500, reason: "the consumer of group g1 crashed (boom); it re-joins once restarted" }],
    ["re-joining after a crash: ok from the join", [[100, joined], [1500, { _tag: "crashed", error: "boom", restart: true }], [4000, { _tag: "disconnected" }], [9000, joined]], 9100, { ok: true, since: 9000 }],
  ]
  test.each(cases)("%s", (_, steps, now, expected) => {
    expect(run(steps, now)).toEqual(expected as never)
  })
})
