import { describe, expect, test } from "bun:test"
import { webhookRetryDelayMs } from "../../runtime/schedules.ts"
import { afterFailure } from "./retry-decision.ts"

describe("webhook backoff", () => {
  test("1 s doubling to a 5 min cap, jittered by at most a fifth either way", () => {
    const mid = () => 0.5
    expect([1, 2, 3, 4, 9, 10, 11, 50].map((n) => webhookRetryDelayMs(n, mid))).toEqual([1_000, 2_000, 4_000, 8_000, 256_000, 300_000, 300_000, 300_000])
    expect(webhookRetryDelayMs(1, () => 0)).toBe(800)
    expect(webhookRetryDelayMs(1, () => 0.999999)).toBe(1_200)
  })
})

describe("afterFailure", () => {
  const delayMs = (attempt: number) => 1_000 * attempt
  const cases: ReadonlyArray<readonly [string, { firstAt: number; attempts: number; now: number }, ReturnType<typeof afterFailure>]> = [
    ["early: retry after the backoff", { firstAt: 0, attempts: 1, now: 10 }, { _tag: "retry", at: 1_010 }],
    ["a later attempt waits longer", { firstAt: 0, attempts: 3, now: 5_000 }, { _tag: "retry", at: 8_000 }],
    ["the backoff would pass the deadline: one last try at it", { firstAt: 0, attempts: 5, now: 58_000 }, { _tag: "retry", at: 60_000 }],
    ["at the deadline: park", { firstAt: 0, attempts: 6, now: 60_000 }, { _tag: "park" }],
    ["after it: park", { firstAt: 0, attempts: 6, now: 75_000 }, { _tag: "park" }],
  ]
  test.each(cases)("%s", (_name, at, expected) => {
    expect(afterFailure({ ...at, retryForMs: 60_000, delayMs })).toEqual(expected)
  })
})
