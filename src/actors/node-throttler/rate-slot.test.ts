import { expect, test } from "bun:test"
import { reserveSlot } from "./rate-slot.ts"

test.each([
  // lastSlot, now, rps -> at, wait
  [-Infinity, 100, 10, 100, 0],
  [100, 100, 10, 200, 100],
  [100, 250, 10, 250, 0],
  [200, 150, 100, 210, 60],
])("last %p now %p at %p rps -> slot %p after %p ms", (last, now, rps, at, wait) => {
  expect(reserveSlot(last, now, rps)).toEqual({ at, waitMs: wait })
})
