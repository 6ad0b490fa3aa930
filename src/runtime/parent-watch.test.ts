/** The parent watch against a scripted ppid (pure timing logic); test/parent-gone.test.ts kills a real parent. */
import { describe, expect, test } from "bun:test"
import type { SignalSource, StopSignal } from "./drain.ts"
import { exitWithParent } from "./parent-watch.ts"

const recordingSignals = () => {
  const calls: Array<[string, StopSignal]> = []
  const source: SignalSource = { on: (s) => void calls.push(["on", s]), off: (s) => void calls.push(["off", s]) }
  return { calls, source }
}

describe("exitWithParent", () => {
  test("runs the SIGTERM handlers once, and only them, when the parent pid changes", async () => {
    let ppid = 100
    const gone: Array<[number, number]> = []
    const { calls, source } = recordingSignals()
    const signals = exitWithParent(source, { ppid: () => ppid, everyMs: 5, onGone: (was, now) => void gone.push([was, now]) })
    let terms = 0
    let ints = 0
    signals.on("SIGTERM", () => void (terms += 1))
    signals.on("SIGINT", () => void (ints += 1))
    await Bun.sleep(30)
    expect(terms).toBe(0)
    ppid = 1
    await Bun.sleep(30)
    expect([terms, ints]).toEqual([1, 0])
    expect(gone).toEqual([[100, 1]])
    // The process's own signals are still passed through.
    expect(calls).toEqual([["on", "SIGTERM"], ["on", "SIGINT"]])
  })

  test("a handler taken off is not run", async () => {
    let ppid = 7
    const { source } = recordingSignals()
    const signals = exitWithParent(source, { ppid: () => ppid, everyMs: 5 })
    let terms = 0
    const handler = () => void (terms += 1)
    signals.on("SIGTERM", handler)
    signals.off("SIGTERM", handler)
    ppid = 1
    await Bun.sleep(30)
    expect(terms).toBe(0)
  })
})
