import { describe, expect, test } from "bun:test"
import { afterWrite, initialWriter, onWriterMsg, type WriterMsg, type WriterState } from "./writer-state.ts"

const delay = (failures: number) => 500 * failures

/** Runs messages through the machine with each write's outcome, and lists the epochs written. */
const run = (steps: ReadonlyArray<readonly [WriterMsg, ("written" | "already" | "stale" | "failed")?]>) => {
  let state: WriterState = initialWriter
  const writes: number[] = []
  const retries: number[] = []
  for (const [msg, outcome] of steps) {
    const next = onWriterMsg(state, msg)
    state = next.state
    if (next.write === undefined) continue
    writes.push(next.write)
    const after = afterWrite(state, next.write, outcome ?? "written", delay)
    state = after.state
    if (after.retryInMs !== undefined) retries.push(after.retryInMs)
  }
  return { state, writes, retries }
}

const serving = (epoch: number | undefined): WriterMsg => ({ _tag: "serving", epoch })
const retry = (epoch: number): WriterMsg => ({ _tag: "retry", epoch })

describe("location writer state", () => {
  test("writes each epoch it leads at once, and once only", () => {
    const r = run([[serving(undefined)], [serving(7), "written"], [serving(undefined)], [serving(9), "already"], [serving(undefined)]])
    expect(r.writes).toEqual([7, 9])
    expect(r.state.settled).toBe(9)
  })

  test("a stale write settles its epoch: it is not tried again", () => {
    const r = run([[serving(4), "stale"], [retry(4)]])
    expect(r.writes).toEqual([4])
    expect(r.retries).toEqual([])
  })

  test("a failed write is retried when its wait is over, with a longer wait after each failure", () => {
    const r = run([[serving(5), "failed"], [retry(5), "failed"], [retry(5), "written"], [retry(5)]])
    expect(r.writes).toEqual([5, 5, 5])
    expect(r.retries).toEqual([500, 1000])
    expect(r.state).toEqual({ serving: 5, settled: 5, failing: undefined })
  })

  test("news of another epoch ends the retries of the one before and writes the new one at once", () => {
    const r = run([[serving(5), "failed"], [serving(6), "written"], [retry(5)]])
    expect(r.writes).toEqual([5, 6])
    expect(r.state.failing).toBeUndefined()
  })

  test("losing the lead ends the retries; a retry of an epoch no longer served writes nothing", () => {
    const r = run([[serving(5), "failed"], [serving(undefined)], [retry(5)]])
    expect(r.writes).toEqual([5])
    expect(r.state).toEqual({ serving: undefined, settled: undefined, failing: undefined })
  })

  test("news of the same epoch while its retry is due does not write ahead of the wait", () => {
    const r = run([[serving(5), "failed"], [serving(5)]])
    expect(r.writes).toEqual([5])
    expect(r.state.failing).toEqual({ epoch: 5, failures: 1 })
  })
})
