import { describe, expect, test } from "bun:test"
import { looksStalled } from "./stall-nudger.ts"

const state = (pending: number | null, head: number, headTxs = 1) => ({ pending, queued: 0, head, headTxs, secondsSinceHead: 0 })

describe("looksStalled", () => {
  test.each([
    ["an idle node (nothing pending, old head)", state(0, 10), state(0, 10), false],
    ["a pool that keeps its transactions while the head stands still", state(40, 10), state(40, 10), true],
    ["a pool that grows while blocks come out empty", state(40, 10), state(55, 14, 0), true],
    ["a busy node whose blocks take transactions", state(40, 10), state(45, 14, 3), false],
    ["a pool that is draining", state(40, 10), state(12, 10), false],
    ["a node without txpool_status", state(null, 10), state(null, 10), false],
  ])("%s", (_, before, now, expected) => {
    expect(looksStalled(before, now)).toBe(expected)
  })
})
