import { describe, expect, test } from "bun:test"
import { countFailures, runWorkers } from "./workers.ts"

describe("runWorkers", () => {
  test("every worker makes its calls in turn; failures are grouped; a throw is a failure", async () => {
    const seen: Array<string> = []
    let clock = 0
    const result = await runWorkers({
      workers: 3,
      perWorker: 2,
      label: "t",
      now: () => ++clock,
      call: async ({ worker, index }) => {
        seen.push(`${worker}.${index}`)
        if (worker === 1 && index === 1) throw new Error("boom")
        return worker === 2 ? { ok: false, detail: "HTTP 503 busy" } : { ok: true }
      },
    })
    expect(seen.sort()).toEqual(["0.0", "0.1", "1.0", "1.1", "2.0", "2.1"])
    expect(result).toMatchObject({ attempted: 6, ok: 3, failed: 3 })
    expect(result.failures).toEqual([{ detail: "HTTP 503 busy", count: 2 }, { detail: "threw: boom", count: 1 }])
    expect(result.okAt).toHaveLength(3)
  })

  test("countFailures orders by count, then text", () => {
    expect(countFailures(["b", "a", "b"])).toEqual([{ detail: "b", count: 2 }, { detail: "a", count: 1 }])
  })
})
