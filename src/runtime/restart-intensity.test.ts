import { describe, expect, test } from "bun:test"
import { recordRestart } from "./restart-intensity.ts"

describe("recordRestart", () => {
  const intensity = { maxRestarts: 2, withinMs: 1_000 }

  test("allows maxRestarts restarts in the window and refuses one more", () => {
    const first = recordRestart([], 0, intensity)
    const second = recordRestart(first.history, 10, intensity)
    const third = recordRestart(second.history, 20, intensity)
    expect([first.exceeded, second.exceeded, third.exceeded]).toEqual([false, false, true])
    expect(third.history).toEqual([0, 10, 20])
  })

  test("forgets restarts older than the window", () => {
    const verdict = recordRestart([0, 500], 1_200, intensity)
    expect(verdict.history).toEqual([500, 1_200])
    expect(verdict.exceeded).toBe(false)
  })

  test("maxRestarts 0 escalates on the first crash", () => {
    expect(recordRestart([], 0, { maxRestarts: 0, withinMs: 1_000 }).exceeded).toBe(true)
  })
})
