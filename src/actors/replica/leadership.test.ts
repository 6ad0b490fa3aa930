import { describe, expect, test } from "bun:test"
import { followerRole, type Leadership, stepDownDue, transition } from "./leadership.ts"

const after = 3500

describe("leadership transition", () => {
  test("an elected replica that is behind catches up before it leads", () => {
    const s1 = transition(followerRole, { _tag: "elected", epoch: 42, logSize: 10, lpi: 7 }, after)
    expect(s1).toEqual({ _tag: "catching-up", epoch: 42, target: 10 })
    expect(transition(s1, { _tag: "applied", lpi: 9 }, after)._tag).toBe("catching-up")
    expect(transition(s1, { _tag: "applied", lpi: 10 }, after)).toEqual({ _tag: "leader", epoch: 42 })
  })

  test("an elected replica already at LogSize leads at once", () => {
    expect(transition(followerRole, { _tag: "elected", epoch: 5, logSize: 3, lpi: 3 }, after)).toEqual({ _tag: "leader", epoch: 5 })
  })

  test("a leader steps down on its own timer, before the lease can expire", () => {
    const leader: Leadership = { _tag: "leader", epoch: 9 }
    expect(transition(leader, { _tag: "tick", now: 1000 + after - 1, renewedFrom: 1000 }, after)).toBe(leader)
    expect(transition(leader, { _tag: "tick", now: 1000 + after, renewedFrom: 1000 }, after)).toEqual({ _tag: "ended", epoch: 9, reason: "lease-not-renewed" })
  })

  test("a replica catching up steps down on the same timer", () => {
    const s: Leadership = { _tag: "catching-up", epoch: 3, target: 100 }
    expect(transition(s, { _tag: "tick", now: 10_000, renewedFrom: 0 }, after)._tag).toBe("ended")
  })

  test("a follower's session is not ended by the timer, only by etcd", () => {
    expect(transition(followerRole, { _tag: "tick", now: 10_000, renewedFrom: 0 }, after)).toBe(followerRole)
    expect(transition(followerRole, { _tag: "lease-expired" }, after)).toEqual({ _tag: "ended", epoch: undefined, reason: "lease-expired" })
  })

  test("fenced, lease expiry and stop end the session; ended is terminal", () => {
    const leader: Leadership = { _tag: "leader", epoch: 9 }
    const fenced = transition(leader, { _tag: "fenced" }, after)
    expect(fenced).toEqual({ _tag: "ended", epoch: 9, reason: "fenced" })
    expect(transition(fenced, { _tag: "elected", epoch: 11, logSize: 0, lpi: 0 }, after)).toBe(fenced)
    expect(transition(fenced, { _tag: "stop" }, after)).toBe(fenced)
  })

  test("deposed (its leader key gone) ends a leading or catching-up session, not a follower's", () => {
    expect(transition({ _tag: "leader", epoch: 9 }, { _tag: "deposed" }, after)).toEqual({ _tag: "ended", epoch: 9, reason: "deposed" })
    expect(transition({ _tag: "catching-up", epoch: 9, target: 5 }, { _tag: "deposed" }, after)).toEqual({ _tag: "ended", epoch: 9, reason: "deposed" })
    expect(transition(followerRole, { _tag: "deposed" }, after)).toBe(followerRole)
  })

  test("stepDownDue counts from when the last answered keep-alive was sent", () => {
    expect(stepDownDue(4_499, 1_000, after)).toBe(false)
    expect(stepDownDue(4_500, 1_000, after)).toBe(true)
  })
})
