import { describe, expect, test } from "bun:test"
import { makeHeadFollowing } from "./head-following.ts"

describe("head following", () => {
  test("a chain not yet read is not followed: its first read must read the head", () => {
    const f = makeHeadFollowing(1_000)
    expect(f.stale()).toBe(true)
    expect(f.pollDue(0)).toBe(false)
    expect(f.pollDue(1_000_000)).toBe(false)
  })

  test("a chain read within the idle time is polled, and its head is current", () => {
    const f = makeHeadFollowing(1_000)
    f.noteRead(0)
    f.notePolled()
    expect(f.pollDue(500)).toBe(true)
    f.noteRead(900)
    expect(f.pollDue(1_800)).toBe(true)
    expect(f.stale()).toBe(false)
  })

  test("no read for the idle time: the loop skips and the head counts as stale until a head read succeeds", () => {
    const f = makeHeadFollowing(1_000)
    f.noteRead(0)
    f.notePolled()
    expect(f.stale()).toBe(false)
    expect(f.pollDue(1_000)).toBe(false)
    expect(f.stale()).toBe(true)
    f.noteRead(5_000)
    // A read alone does not make the old head current: it must read the head first.
    expect(f.stale()).toBe(true)
    f.notePolled()
    expect(f.stale()).toBe(false)
    expect(f.pollDue(5_100)).toBe(true)
  })

  test("a late read time never moves the last read back", () => {
    const f = makeHeadFollowing(1_000)
    f.noteRead(3_000)
    f.noteRead(2_000)
    expect(f.pollDue(3_900)).toBe(true)
    expect(f.pollDue(4_000)).toBe(false)
  })

  test("idle time 0 follows always", () => {
    const f = makeHeadFollowing(0)
    expect(f.pollDue(10_000_000)).toBe(true)
    expect(f.stale()).toBe(false)
  })
})
