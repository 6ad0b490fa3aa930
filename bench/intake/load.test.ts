import { describe, expect, test } from "bun:test"
import { closedLoop, type CallOutcome, pacedLoad } from "./load.ts"

const after = (ms: number, outcome: CallOutcome) => new Promise<CallOutcome>((done) => setTimeout(() => done(outcome), ms))

describe("closedLoop", () => {
  test("sends every call, at most `clients` at once, and counts items of accepted calls", async () => {
    let inFlight = 0
    let peak = 0
    const result = await closedLoop({
      calls: 10,
      clients: 3,
      itemsPerCall: (i) => (i === 9 ? 2 : 5),
      label: "t",
      send: async (i) => {
        inFlight++
        peak = Math.max(peak, inFlight)
        const outcome = await after(2, i === 4 ? { ok: false, status: 503, detail: "overloaded" } : { ok: true, status: 202 })
        inFlight--
        return outcome
      },
    })
    expect(peak).toBe(3)
    expect([result.calls, result.okCalls, result.okItems]).toEqual([10, 9, 8 * 5 + 2])
    expect(result.failures).toEqual([{ status: 503, detail: "overloaded", count: 1 }])
    expect(result.latenciesMs).toHaveLength(9)
    expect(result.timeline).toHaveLength(9)
    expect(result.itemsPerSec).toBeCloseTo((42 * 1000) / result.wallMs, 0)
  })

  test("never starts more clients than calls", async () => {
    let started = 0
    const result = await closedLoop({ calls: 2, clients: 50, label: "t", send: async () => { started++; return { ok: true, status: 202 } } })
    expect([started, result.okCalls]).toEqual([2, 2])
  })
})

describe("pacedLoad", () => {
  test("starts calls on schedule without waiting for slow answers", async () => {
    const starts: Array<number> = []
    const t0 = performance.now()
    const result = await pacedLoad({
      calls: 20,
      ratePerSec: 400,
      label: "t",
      send: async () => {
        starts.push(performance.now() - t0)
        return after(30, { ok: true, status: 202 })
      },
    })
    expect(result.okCalls).toBe(20)
    // 20 calls at 400/s take ~50 ms to start even though each answer takes 30 ms.
    expect(starts[19] ?? 0).toBeGreaterThan(40)
    expect(starts[19] ?? 0).toBeLessThan(150)
    expect(Math.min(...result.latenciesMs)).toBeGreaterThanOrEqual(29)
  })

  test("refuses a rate of zero", async () => {
    await expect(pacedLoad({ calls: 1, ratePerSec: 0, label: "t", send: async () => ({ ok: true, status: 202 }) })).rejects.toThrow("rate must be > 0")
  })
})
