import { describe, expect, test } from "bun:test"
import { probeWindow, startProbe, startThreadProbe } from "./side-probe.ts"

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

describe("startThreadProbe", () => {
  test("probes a JSON-RPC server from its own thread while this one is busy, and counts error answers as failures", async () => {
    let calls = 0
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: async (request) => {
        const body = (await request.json()) as { method: string }
        calls++
        // Every third call answers a JSON-RPC error.
        return Response.json(calls % 3 === 0 ? { jsonrpc: "2.0", id: 1, error: { code: -32000, message: "busy" } } : { jsonrpc: "2.0", id: 1, result: body.method })
      },
    })
    try {
      const probe = startThreadProbe(`http://127.0.0.1:${server.port}`, 10)
      // The server answers from this thread, so it needs turns; the probe's own loop runs meanwhile.
      while (probe.samples.length < 9) await Bun.sleep(5)
      const samples = await probe.stop()
      const after = samples.length
      await Bun.sleep(50)
      expect(samples.length).toBe(after)
      expect(samples.filter((s) => !s.ok).length).toBeGreaterThanOrEqual(2)
      expect(samples.filter((s) => s.ok).length).toBeGreaterThanOrEqual(5)
      expect(samples.every((s) => s.ms >= 0 && s.at > 0)).toBe(true)
    } finally {
      server.stop(true)
    }
  })

  test("a node that does not answer gives failed samples, not a hung stop", async () => {
    const probe = startThreadProbe("http://127.0.0.1:1", 10, "eth_blockNumber", 200)
    while (probe.samples.length < 2) await Bun.sleep(5)
    const samples = await probe.stop()
    expect(samples.every((s) => !s.ok)).toBe(true)
  })
})
