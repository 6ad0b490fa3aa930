import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { NodeOverloaded, type NodeRejected, nodeRejected, NodeUnreachable } from "../../src/adapters/errors.ts"
import { bestConcurrency, type DirectRunResult, driveNode, groupFailures, type NodeCall, pickBest } from "./direct-node.ts"

/** A node that takes `ms` per call and fails the calls `fail` picks. */
const fakeNode = (ms: number, fail: (worker: number, index: number) => NodeOverloaded | NodeRejected | undefined = () => undefined): NodeCall => ({ worker, index }) =>
  Effect.gen(function* () {
    yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, ms)))
    const error = fail(worker, index)
    if (error !== undefined) return yield* Effect.fail(error)
    return "txid"
  })

describe("driveNode", () => {
  test("sends concurrency x calls-per-worker, all of them concurrently at first", async () => {
    const result = await driveNode({ concurrency: 4, callsPerWorker: 3, call: fakeNode(2) })
    expect({ ...result, wallMs: 0, ratePerSec: 0, latencyMs: result.latencyMs?.count, completionsMs: result.completionsMs.length }).toEqual({
      concurrency: 4,
      callsPerWorker: 3,
      attempted: 12,
      succeeded: 12,
      failed: 0,
      failures: [],
      wallMs: 0,
      ratePerSec: 0,
      latencyMs: 12,
      peakInFlight: 4,
      completionsMs: 12,
    })
    expect(result.ratePerSec).toBe(Math.round((12 * 1000 * 10) / result.wallMs) / 10)
    expect(result.latencyMs?.min).toBeGreaterThanOrEqual(1)
  })

  test("groups failures by tag and message; only successes count toward rate and latency", async () => {
    const call = fakeNode(1, (worker, index) =>
      worker === 0 ? new NodeOverloaded({ node: "btc-1", method: "sendtoaddress", detail: "too many clients" }) : index === 1 ? nodeRejected("bitcoin", { node: "btc-1", method: "sendtoaddress", code: -6, detail: "Insufficient funds" }) : undefined,
    )
    const result = await driveNode({ concurrency: 3, callsPerWorker: 2, call })
    expect({ succeeded: result.succeeded, failed: result.failed, failures: result.failures, latencies: result.latencyMs?.count }).toEqual({
      succeeded: 2,
      failed: 4,
      failures: [
        { tag: "NodeOverloaded", detail: "too many clients", count: 2 },
        { tag: "NodeRejected", detail: "Insufficient funds", count: 2 },
      ],
      latencies: 2,
    })
  })

  test("a call that throws is counted as a Defect, and the run goes on", async () => {
    const call: NodeCall = ({ index }) => {
      if (index === 0) throw new Error("bad call function")
      return index === 1 ? Effect.die(new Error("died")) : Effect.succeed("ok")
    }
    const result = await driveNode({ concurrency: 1, callsPerWorker: 3, call })
    expect({ succeeded: result.succeeded, failures: result.failures }).toEqual({
      succeeded: 1,
      failures: [
        { tag: "Defect", detail: "bad call function", count: 1 },
        { tag: "Defect", detail: "died", count: 1 },
      ],
    })
  })

  test("nobody succeeding gives a null latency, not zeros", async () => {
    const call: NodeCall = () => Effect.fail(new NodeUnreachable({ node: "eth-1", method: "eth_sendTransaction", detail: "ECONNREFUSED" }))
    const result = await driveNode({ concurrency: 2, callsPerWorker: 1, call })
    expect({ latency: result.latencyMs, rate: result.ratePerSec, failures: result.failures }).toEqual({
      latency: null,
      rate: 0,
      failures: [{ tag: "NodeUnreachable", detail: "ECONNREFUSED", count: 2 }],
    })
  })
})

describe("groupFailures", () => {
  test("line breaks in a node's answer do not split a group or a table row", () => {
    expect(groupFailures([{ tag: "NodeRejected", detail: "429 Too Many Requests\n" }, { tag: "NodeRejected", detail: "429 Too Many Requests" }])).toEqual([
      { tag: "NodeRejected", detail: "429 Too Many Requests", count: 2 },
    ])
  })

  test("long messages are cut so one odd error cannot flood the results", () => {
    const [group] = groupFailures([{ tag: "NodeRejected", detail: "x".repeat(500) }])
    expect(group?.detail.length).toBe(163)
  })
})

const step = (concurrency: number, ratePerSec: number, failed = 0): DirectRunResult => ({
  concurrency,
  callsPerWorker: 1,
  attempted: concurrency,
  succeeded: concurrency - failed,
  failed,
  failures: [],
  wallMs: 1,
  ratePerSec,
  latencyMs: null,
  peakInFlight: concurrency,
  completionsMs: [],
})

describe("pickBest", () => {
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<DirectRunResult>, number | undefined]> = [
    ["the fastest step", [step(1, 100), step(2, 180), step(4, 150)], 2],
    ["a faster step with failures loses to a clean one", [step(1, 100), step(4, 150), step(8, 300, 3)], 4],
    ["all steps failed: the fastest anyway", [step(1, 50, 1), step(2, 80, 2)], 2],
    ["a tie goes to the lower concurrency", [step(8, 200), step(4, 200)], 4],
    ["no steps", [], undefined],
  ]
  test.each(cases)("%s", (_name, steps, expected) => {
    expect(pickBest(steps)?.concurrency).toBe(expected)
  })
})

describe("bestConcurrency", () => {
  test("runs each rung with about callsPerStep calls and returns every step", async () => {
    let pauses = 0
    const result = await bestConcurrency({
      ladder: [1, 2, 4],
      callsPerStep: 6,
      call: fakeNode(1),
      betweenSteps: async () => {
        pauses++
      },
    })
    expect(result.steps.map((s) => [s.concurrency, s.attempted, s.peakInFlight])).toEqual([
      [1, 6, 1],
      [2, 6, 2],
      [4, 8, 4],
    ])
    expect(pauses).toBe(2)
    expect(result.steps).toContain(result.best)
  })

  test("an empty ladder is refused with advice", async () => {
    await expect(bestConcurrency({ ladder: [], callsPerStep: 1, call: fakeNode(1) })).rejects.toThrow("give at least one concurrency")
  })
})
