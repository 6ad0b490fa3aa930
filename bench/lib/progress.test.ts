import { describe, expect, test } from "bun:test"
import { formatBar, formatDuration, formatProgress, type ProgressSink, startProgress } from "./progress.ts"

/** A sink that records writes, and a clock the test moves by hand. */
const fixture = (isTTY: boolean) => {
  const writes: Array<string> = []
  let t = 1000
  const sink: ProgressSink = { write: (text) => writes.push(text), isTTY, columns: 100 }
  return { writes, sink, now: () => t, advance: (ms: number) => (t += ms) }
}

describe("formatting", () => {
  const durations: ReadonlyArray<readonly [number, string]> = [
    [0, "0.0s"],
    [12_345, "12.3s"],
    [245_000, "4m05s"],
    [3_720_000, "1h02m"],
  ]
  test.each(durations)("formatDuration(%p) = %p", (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  test("count, percent, rate, ETA and elapsed", () => {
    expect(formatProgress({ label: "btc c=4", count: 500, total: 2000, elapsedMs: 2000 })).toBe(
      "btc c=4 500/2000 25% 250.0/s eta 6.0s elapsed 2.0s",
    )
  })

  test("no rate yet means an unknown ETA; an unknown total has no percent", () => {
    expect(formatProgress({ label: "x", count: 0, total: 10, elapsedMs: 0 })).toBe("x 0/10 0% 0.0/s eta ? elapsed 0.0s")
    expect(formatProgress({ label: "x", count: 30, total: 0, elapsedMs: 3000 })).toBe("x 30 10.0/s elapsed 3.0s")
  })

  test("the bar fills in proportion and fits the terminal", () => {
    const line = formatBar({ label: "x", count: 5, total: 10, elapsedMs: 1000 }, 100)
    expect(line).toBe(`[${"#".repeat(12)}${"-".repeat(12)}] x 5/10 50% 5.0/s eta 1.0s elapsed 1.0s`)
    expect(formatBar({ label: "x", count: 5, total: 10, elapsedMs: 1000 }, 30)).toBe("x 5/10 50% 5.0/s eta 1.0s ela")
  })
})

describe("startProgress", () => {
  test("a terminal redraws in place at most every 100 ms", () => {
    const f = fixture(true)
    const p = startProgress({ label: "eth", total: 100, sink: f.sink, now: f.now, timer: false })
    for (let i = 0; i < 10; i++) {
      f.advance(30)
      p.tick()
    }
    p.finish()
    p.finish()
    // the first draw, one every >= 100 ms over 300 ms of ticks (at 120, 240), and the final one
    expect(f.writes.length).toBe(4)
    expect(f.writes.every((w) => w.startsWith("\r") && w.includes("\x1b[K"))).toBe(true)
    expect(f.writes.at(-1)).toEndWith("eth 10/100 10% 33.3/s eta 2.7s elapsed 0.3s\x1b[K\n")
  })

  test("a pipe gets a plain line every 5 s and one at the end, never a carriage return", () => {
    const f = fixture(false)
    const p = startProgress({ label: "perf", total: 20, sink: f.sink, now: f.now, timer: false })
    for (let i = 0; i < 20; i++) {
      f.advance(600)
      p.tick()
    }
    p.finish()
    expect(f.writes).toEqual([
      "perf 9/20 45% 1.7/s eta 6.6s elapsed 5.4s\n",
      "perf 18/20 90% 1.7/s eta 1.2s elapsed 10.8s\n",
      "perf 20/20 100% 1.7/s eta 0.0s elapsed 12.0s\n",
    ])
  })

  test("a terminal that reports no width still gets a readable bar", () => {
    const writes: Array<string> = []
    const p = startProgress({ label: "x", total: 4, sink: { write: (t) => writes.push(t), isTTY: true, columns: 0 }, now: () => 0, timer: false })
    p.finish()
    expect(writes.at(-1)).toBe(`\r[${"-".repeat(24)}] x 0/4 0% 0.0/s eta ? elapsed 0.0s\x1b[K\n`)
  })

  test("set replaces the count", () => {
    const f = fixture(false)
    const p = startProgress({ label: "x", total: 10, sink: f.sink, now: f.now, timer: false })
    p.set(7)
    f.advance(1000)
    p.finish()
    expect(f.writes).toEqual(["x 7/10 70% 7.0/s eta 0.4s elapsed 1.0s\n"])
  })
})
