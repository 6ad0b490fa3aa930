import { describe, expect, test } from "bun:test"
import { makeCommitPositions } from "./commit-position.ts"

describe("commit positions", () => {
  test("commit up to the lowest record not finished, and past records that make no delivery", () => {
    const p = makeCommitPositions()
    p.track(0, 10n, 0)
    expect(p.toCommit()).toEqual([{ partition: 0, offset: 11n }])
    const a = p.track(0, 11n, 2)
    const b = p.track(0, 12n, 1)
    p.track(0, 13n, 0)
    expect(p.toCommit()).toEqual([{ partition: 0, offset: 11n }])
    expect(p.pending()).toBe(3)
    p.finish(b)
    expect(p.toCommit()).toEqual([{ partition: 0, offset: 11n }])
    p.finish(a)
    expect(p.toCommit()).toEqual([{ partition: 0, offset: 11n }])
    p.finish(a)
    expect(p.toCommit()).toEqual([{ partition: 0, offset: 14n }])
    expect(p.pending()).toBe(0)
  })

  test("a committed offset is not offered again until the position moves", () => {
    const p = makeCommitPositions()
    const r = p.track(1, 0n, 1)
    expect(p.toCommit()).toEqual([{ partition: 1, offset: 0n }])
    p.committed(1, 0n)
    expect(p.toCommit()).toEqual([])
    p.finish(r)
    expect(p.toCommit()).toEqual([{ partition: 1, offset: 1n }])
  })

  test("partitions are independent: one partition's stuck delivery holds only its own commit", () => {
    const p = makeCommitPositions()
    p.track(0, 5n, 1)
    const other = p.track(1, 7n, 1)
    p.finish(other)
    expect(p.toCommit()).toEqual([{ partition: 0, offset: 5n }, { partition: 1, offset: 8n }])
  })

  test("after a rebalance, older deliveries that finish move nothing and pending starts over", () => {
    const p = makeCommitPositions()
    const old = p.track(0, 3n, 1)
    p.reset()
    expect(p.pending()).toBe(0)
    expect(p.toCommit()).toEqual([])
    const now = p.track(0, 3n, 1)
    p.finish(old)
    expect(p.pending()).toBe(1)
    expect(p.toCommit()).toEqual([{ partition: 0, offset: 3n }])
    p.finish(now)
    expect(p.toCommit()).toEqual([{ partition: 0, offset: 4n }])
  })

  test("a partition read again tracks lower offsets after higher ones; the lowest open one still holds the commit", () => {
    const p = makeCommitPositions()
    p.track(0, 8n, 1)
    p.track(0, 5n, 1)
    expect(p.toCommit()).toEqual([{ partition: 0, offset: 5n }])
  })

  test("finishing more than was tracked is ignored", () => {
    const p = makeCommitPositions()
    const r = p.track(0, 0n, 1)
    p.finish(r)
    p.finish(r)
    expect(p.pending()).toBe(0)
  })
})
