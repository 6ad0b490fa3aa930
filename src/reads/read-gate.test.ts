import { describe, expect, test } from "bun:test"
import { makeReadGate } from "./read-gate.ts"

const settings = { ratePerS: 100, maxWaitMs: 50, holdMs: 500 }

describe("read gate", () => {
  test("with no write held, every read goes at once, however many", () => {
    const gate = makeReadGate(settings, () => 0)
    for (let i = 0; i < 1000; i++) expect(gate.admit(1000)).toEqual({ _tag: "go", waitMs: 0, draining: false })
  })

  test("while writes are held, reads are spaced 1000 / rate ms apart, and refused past the longest wait", () => {
    const gate = makeReadGate(settings, () => 3)
    const waits = Array.from({ length: 8 }, () => gate.admit(1000))
    expect(waits.slice(0, 6).map((a) => (a._tag === "go" ? a.waitMs : -1))).toEqual([0, 10, 20, 30, 40, 50])
    expect(waits[6]).toEqual({ _tag: "refused", retryAfterMs: 60 })
    expect(waits[7]?._tag).toBe("refused")
    // Time passes: the slots free up at the rate, no faster.
    expect(gate.admit(1045)).toEqual({ _tag: "go", waitMs: 15, draining: true })
  })

  test("the spacing outlives the last held write by holdMs, then reads go at once again", () => {
    let held = 1
    const gate = makeReadGate(settings, () => held)
    expect(gate.admit(0)._tag).toBe("go")
    held = 0
    expect(gate.admit(499)).toEqual({ _tag: "go", waitMs: 0, draining: true })
    expect(gate.admit(499)).toEqual({ _tag: "go", waitMs: 10, draining: true })
    expect(gate.admit(500)).toEqual({ _tag: "go", waitMs: 0, draining: false })
    expect(gate.admit(500)).toEqual({ _tag: "go", waitMs: 0, draining: false })
  })

  test("transfers taken by the intake start the spacing before any executor holds them", () => {
    const gate = makeReadGate(settings, () => 0)
    expect(gate.admit(0)).toEqual({ _tag: "go", waitMs: 0, draining: false })
    gate.writesComing(100)
    expect(gate.admit(100)).toEqual({ _tag: "go", waitMs: 0, draining: true })
    expect(gate.admit(100)).toEqual({ _tag: "go", waitMs: 10, draining: true })
    expect(gate.admit(600)).toEqual({ _tag: "go", waitMs: 0, draining: false })
  })

  test("a rate of 0 turns the gate off, even during a drain", () => {
    const gate = makeReadGate({ ...settings, ratePerS: 0 }, () => 100)
    for (let i = 0; i < 100; i++) expect(gate.admit(0)).toEqual({ _tag: "go", waitMs: 0, draining: false })
  })
})
