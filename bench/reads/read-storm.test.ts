import { describe, expect, test } from "bun:test"
import type { ReadAnswer } from "./read-client.ts"
import { runReadStorm } from "./read-storm.ts"

/** A clock that moves only when a read is answered: each read takes `stepMs`. */
const fakeClock = () => {
  let t = 0
  return { now: () => t, advance: (ms: number) => (t += ms) }
}

describe("runReadStorm", () => {
  test("clients read until the duration has passed; counts, cache, staleness and samples", async () => {
    const clock = fakeClock()
    let head = 100
    const answers: Array<(address: string, id: number) => ReadAnswer> = [
      () => ({ ok: true, balance: 5n, block: 100, cache: "hit", node: "eth-1" }),
      () => ({ ok: true, balance: 6n, block: 97, cache: "hit", node: "eth-1" }),
      () => ({ ok: false, block: null, error: "HTTP 503 overloaded" }),
      () => ({ ok: true, balance: 7n, block: 99, cache: "miss", node: "eth-2", hedged: true }),
      () => ({ ok: true, balance: 8n, block: null }),
    ]
    const result = await runReadStorm({
      clients: 1,
      durationMs: 10,
      addresses: ["0xa", "0xb"],
      pick: () => 1,
      sampleEvery: 2,
      headAt: () => head,
      label: "test",
      now: clock.now,
      epochNow: () => 1_000 + clock.now(),
      read: async (address, id) => {
        await Promise.resolve()
        clock.advance(1)
        head = 100
        const answer = answers[id % answers.length]
        if (answer === undefined) throw new Error("no answer")
        return answer(address, id)
      },
    })
    expect([result.attempted, result.ok, result.failed]).toEqual([10, 8, 2])
    expect(result.failures).toEqual([{ detail: "HTTP 503 overloaded", count: 2 }])
    expect(result.cache).toEqual({ hit: 4, miss: 2, none: 2 })
    expect(result.nodes).toEqual({ "eth-1": 4, "eth-2": 2, none: 2 })
    expect([result.hedged, result.withoutBlock, result.judged]).toEqual([2, 2, 6])
    // Block 97 at head 100 is stale (older than head - 1); 99 is not.
    expect([result.stale, result.maxBlocksBehind]).toEqual([2, 3])
    expect(result.staleExamples[0]).toEqual({ address: "0xb", block: 97, headAtAsk: 100, cache: "hit" })
    expect(result.samples.map((s) => [s.balance, s.block, s.at])).toEqual([["6", 97, 1_001], ["8", null, 1_004], ["6", 97, 1_006], ["8", null, 1_009]])
    expect(result.latencyMs?.max).toBe(1)
    expect(result.completionsMs).toHaveLength(8)
  })

  test("every client keeps one read in flight", async () => {
    let inFlight = 0
    let peak = 0
    const result = await runReadStorm({
      clients: 4,
      durationMs: 30,
      addresses: ["0xa"],
      pick: () => 0,
      sampleEvery: 0,
      headAt: () => 1,
      label: "test",
      read: async () => {
        inFlight++
        peak = Math.max(peak, inFlight)
        await new Promise((done) => setTimeout(done, 2))
        inFlight--
        return { ok: true, balance: 1n, block: 1 }
      },
    })
    expect(peak).toBe(4)
    expect(result.ok).toBeGreaterThan(4)
    expect(result.wallMs).toBeGreaterThanOrEqual(30)
  })

  test("no head known yet: answers are not judged", async () => {
    const clock = fakeClock()
    const result = await runReadStorm({
      clients: 1,
      durationMs: 3,
      addresses: ["0xa"],
      pick: () => 0,
      sampleEvery: 0,
      headAt: () => null,
      label: "test",
      now: clock.now,
      read: async () => {
        clock.advance(1)
        return { ok: true, balance: 1n, block: 5 }
      },
    })
    expect([result.ok, result.judged, result.stale, result.samples.length]).toEqual([3, 0, 0, 0])
    expect(result.readsPerSec).toBe(1000)
  })
})
