import { describe, expect, test } from "bun:test"
import { byDeadline, noAnswerOf } from "./http-failure.ts"

const never = () => new Promise<string>(() => undefined)

describe("byDeadline", () => {
  test("an attempt that never settles and ignores its signal still ends at the deadline", async () => {
    const started = performance.now()
    const outcome = await byDeadline(40, never, () => "late")
    expect(outcome).toBe("late")
    expect(performance.now() - started).toBeGreaterThanOrEqual(35)
  })

  test("an attempt that answers first is the outcome", async () => {
    expect(await byDeadline(10_000, async () => "answered", () => "late")).toBe("answered")
  })

  test("the attempt's signal and the deadline signal abort at the deadline", async () => {
    let seen: { signal: AbortSignal; deadline: AbortSignal } | undefined
    await byDeadline(20, (signal, deadline) => {
      seen = { signal, deadline }
      return never()
    }, () => "late")
    expect(seen?.signal.aborted).toBe(true)
    expect(seen?.deadline.aborted).toBe(true)
  })

  test("stop aborts the attempt's signal but not the deadline, so a caught error reads as no timeout", async () => {
    const stop = new AbortController()
    const outcome = await byDeadline(10_000, (signal, deadline) => new Promise<string>((resolve) => {
      signal.addEventListener("abort", () => resolve(deadline.aborted ? "timeout" : "stopped"), { once: true })
      stop.abort()
    }), () => "late", stop.signal)
    expect(outcome).toBe("stopped")
  })
})

describe("noAnswerOf", () => {
  test("a cause after the deadline is a timeout; else it names the error", () => {
    const gone = new AbortController()
    gone.abort()
    expect(noAnswerOf(new Error("x"), gone.signal, 500)).toEqual({ _tag: "timeout", afterMs: 500 })
    const refused = Object.assign(new Error("connect"), { code: "ECONNREFUSED" })
    expect(noAnswerOf(refused, new AbortController().signal, 500)).toEqual({ _tag: "unreachable", detail: "Error ECONNREFUSED" })
  })
})
