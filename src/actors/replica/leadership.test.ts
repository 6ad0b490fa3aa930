import { describe, expect, test } from "bun:test"
import { endDue, followerRole, type Leadership, pauseDue, transition } from "./leadership.ts"

const timers = { pauseAfterMs: 3500, endAfterMs: 5000 }
const tick = (now: number, renewedFrom = 1000) => ({ _tag: "tick" as const, now, renewedFrom })

describe("leadership transition", () => {
  test("an elected replica that is behind catches up before it leads", () => {
    const s1 = transition(followerRole, { _tag: "elected", epoch: 42, logSize: 10, lpi: 7 }, timers)
    expect(s1).toEqual({ _tag: "catching-up", epoch: 42, target: 10 })
    expect(transition(s1, { _tag: "applied", lpi: 9 }, timers)._tag).toBe("catching-up")
    expect(transition(s1, { _tag: "applied", lpi: 10 }, timers)).toEqual({ _tag: "leader", epoch: 42 })
  })

  test("an elected replica already at LogSize leads at once", () => {
    expect(transition(followerRole, { _tag: "elected", epoch: 5, logSize: 3, lpi: 3 }, timers)).toEqual({ _tag: "leader", epoch: 5 })
  })

  test("a leader whose renewals are overdue pauses, before the lease can expire", () => {
    const leader: Leadership = { _tag: "leader", epoch: 9 }
    expect(transition(leader, tick(1000 + 3499), timers)).toBe(leader)
    expect(transition(leader, tick(1000 + 3500), timers)).toEqual({ _tag: "paused", epoch: 9 })
  })

  test("a paused leader whose lease was renewed leads again at the same epoch", () => {
    const paused: Leadership = { _tag: "paused", epoch: 9 }
    expect(transition(paused, tick(1000 + 4000), timers)).toBe(paused)
    // A keep-alive sent at 4,800 was answered: the lease never lapsed.
    expect(transition(paused, tick(1000 + 4900, 4800), timers)).toEqual({ _tag: "leader", epoch: 9 })
  })

  test("the session ends at the lease TTL without a renewal, paused or not", () => {
    expect(transition({ _tag: "paused", epoch: 9 }, tick(1000 + 5000), timers)).toEqual({ _tag: "ended", epoch: 9, reason: "lease-not-renewed" })
    // A clock that jumped past both timers at once ends the session too.
    expect(transition({ _tag: "leader", epoch: 9 }, tick(1000 + 9000), timers)).toEqual({ _tag: "ended", epoch: 9, reason: "lease-not-renewed" })
  })

  test("a replica catching up does not serve, so it does not pause; it ends at the TTL", () => {
    const s: Leadership = { _tag: "catching-up", epoch: 3, target: 100 }
    expect(transition(s, tick(1000 + 4000), timers)).toBe(s)
    expect(transition(s, tick(1000 + 5000), timers)._tag).toBe("ended")
  })

  test("a follower's session is not ended by the timers, only by etcd", () => {
    expect(transition(followerRole, tick(10_000, 0), timers)).toBe(followerRole)
    expect(transition(followerRole, { _tag: "lease-expired" }, timers)).toEqual({ _tag: "ended", epoch: undefined, reason: "lease-expired" })
  })

  test("fenced, lease expiry and stop end the session; ended is terminal", () => {
    const leader: Leadership = { _tag: "leader", epoch: 9 }
    const fenced = transition(leader, { _tag: "fenced" }, timers)
    expect(fenced).toEqual({ _tag: "ended", epoch: 9, reason: "fenced" })
    expect(transition(fenced, { _tag: "elected", epoch: 11, logSize: 0, lpi: 0 }, timers)).toBe(fenced)
    expect(transition(fenced, { _tag: "stop" }, timers)).toBe(fenced)
    expect(transition({ _tag: "paused", epoch: 9 }, { _tag: "lease-expired" }, timers)).toEqual({ _tag: "ended", epoch: 9, reason: "lease-expired" })
  })

  test("deposed (its leader key gone) ends a leading, paused or catching-up session, not a follower's", () => {
    expect(transition({ _tag: "leader", epoch: 9 }, { _tag: "deposed" }, timers)).toEqual({ _tag: "ended", epoch: 9, reason: "deposed" })
    expect(transition({ _tag: "paused", epoch: 9 }, { _tag: "deposed" }, timers)).toEqual({ _tag: "ended", epoch: 9, reason: "deposed" })
    expect(transition({ _tag: "catching-up", epoch: 9, target: 5 }, { _tag: "deposed" }, timers)).toEqual({ _tag: "ended", epoch: 9, reason: "deposed" })
    expect(transition(followerRole, { _tag: "deposed" }, timers)).toBe(followerRole)
  })

  test("both timers count from when the last answered keep-alive was sent", () => {
    expect(pauseDue(4_499, 1_000, timers)).toBe(false)
    expect(pauseDue(4_500, 1_000, timers)).toBe(true)
    expect(endDue(5_999, 1_000, timers)).toBe(false)
    expect(endDue(6_000, 1_000, timers)).toBe(true)
  })
})
