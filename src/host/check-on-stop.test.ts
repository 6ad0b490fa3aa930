import { describe, expect, test } from "bun:test"
import { Cause, Exit } from "effect"
import { stoppedReason } from "./check-on-stop.ts"

describe("stoppedReason", () => {
  const cases: ReadonlyArray<readonly [string, Exit.Exit<unknown, unknown>, string]> = [
    ["a clean stop", Exit.void, "the producer actor is not running (stopped, or the host is draining)"],
    ["an interruption (drain)", Exit.failCause(Cause.interrupt(1)), "the producer actor is not running (stopped, or the host is draining)"],
    ["a failure names it", Exit.fail(new Error("broker gone")), "the producer actor failed (Error: broker gone); its supervisor restarts it"],
  ]
  test.each(cases)("%s", (_, exit, expected) => {
    expect(stoppedReason("the producer actor", exit)).toBe(expected)
  })
})
