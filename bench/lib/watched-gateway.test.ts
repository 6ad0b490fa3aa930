import { describe, expect, test } from "bun:test"
import type { StatusRecord } from "../../src/domain/status.ts"
import { silentSink } from "./progress.ts"
import { makeStatusTracker } from "./status-tracker.ts"
import { waitReachedThenFinal } from "./watched-gateway.ts"

const rec = (id: string, status: StatusRecord["status"], at: number): StatusRecord => ({ id, status, at, chain: "ethereum", sender: "0xa", partition: 0 })

const io = { out: () => undefined, err: () => undefined, progress: silentSink, env: {} }

describe("waitReachedThenFinal", () => {
  test("counts a failed request as reached, and takes the second view after the final wait", async () => {
    const tracker = makeStatusTracker()
    for (const r of [rec("a", "signed", 1000), rec("b", "failed", 1100)]) tracker.apply(r)
    const watcher = { tracker, started: Promise.resolve(), stop: async () => undefined }
    setTimeout(() => tracker.apply(rec("a", "confirmed", 1200)), 50)
    const { reached, final } = await waitReachedThenFinal(watcher, 2, { reachTimeoutMs: 1000, finalTimeoutMs: 2000 }, "test", io)
    expect([reached.reachedNode, reached.failed, reached.final]).toEqual([1, 1, 1])
    expect(final.final).toBe(2)
    expect(final.lastFinalAt).toBe(1200)
  })

  test("gives up at the timeout and answers what it saw", async () => {
    const tracker = makeStatusTracker()
    tracker.apply(rec("a", "accepted", 1000))
    const watcher = { tracker, started: Promise.resolve(), stop: async () => undefined }
    const { reached, final } = await waitReachedThenFinal(watcher, 1, { reachTimeoutMs: 10, finalTimeoutMs: 10 }, "test", io)
    expect([reached.reachedNode, final.final]).toEqual([0, 0])
  })
})
