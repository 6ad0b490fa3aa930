import { describe, expect, test } from "bun:test"
import { makeOutageLines } from "./outage-lines.ts"

describe("outage lines", () => {
  test("the first failure is said, the next ones only once a minute with their count, and the recovery once", () => {
    const lines = makeOutageLines(60_000)
    expect(lines.succeeded()).toEqual({ _tag: "None" })
    expect(lines.failed(0)).toEqual({ _tag: "Failing", failedTries: 1 })
    for (let t = 5_000; t < 60_000; t += 5_000) expect(lines.failed(t)).toEqual({ _tag: "None" })
    expect(lines.failed(60_000)).toEqual({ _tag: "Failing", failedTries: 12 })
    expect(lines.failed(65_000)).toEqual({ _tag: "None" })
    expect(lines.succeeded()).toEqual({ _tag: "Resumed", failedTriesSinceLastLine: 1 })
    expect(lines.succeeded()).toEqual({ _tag: "None" })
    expect(lines.failed(70_000)).toEqual({ _tag: "Failing", failedTries: 1 })
  })
})
