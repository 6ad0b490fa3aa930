import { describe, expect, test } from "bun:test"
import { probeWindow, startProbe } from "./side-probe.ts"

describe("startProbe", () => {
  test("one call at a time, spaced by the interval, failures kept as samples", async () => {
    let now = 0
    let calls = 0
    let inFlight = 0
    let peak = 0
    const probe = startProbe(
      async () => {
        inFlight++
        peak = Math.max(peak, inFlight)
        calls++
        now += calls === 2 ? 250 : 4
        inFlight--
        if (calls === 3) throw new Error("refused")
      },
      100,
      {
        epochMs: () => 10_000 + now,
        monotonicMs: () => now,
        sleep: (ms) => {
          now += ms
          return new Promise((done) => setTimeout(done, 0))
        },
      },
    )
    while (probe.samples.length < 4) await new Promise((r) => setTimeout(r, 1))
    const samples = await probe.stop()
    expect(peak).toBe(1)
    expect(samples.slice(0, 4).map((s) => [s.ms, s.ok])).toEqual([[4, true], [250, true], [4, false], [4, true]])
    // A fast probe waits out the interval; a slow one is followed at once.
    expect((samples[1]?.at ?? 0) - (samples[0]?.at ?? 0)).toBe(100)
    expect((samples[2]?.at ?? 0) - (samples[1]?.at ?? 0)).toBe(250)
  })
})

describe("probeWindow", () => {
  test("successful latencies inside [from, to), and the failures there", () => {
    const samples = [
      { at: 90, ms: 1, ok: true },
      { at: 100, ms: 2, ok: true },
      { at: 150, ms: 9, ok: false },
      { at: 199, ms: 3, ok: true },
      { at: 200, ms: 4, ok: true },
    ]
    expect(probeWindow(samples, 100, 200)).toEqual({ latencies: [2, 3], failed: 1 })
  })
})
