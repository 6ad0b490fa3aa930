import { describe, expect, test } from "bun:test"
import { decodeThrottleReport, encodeThrottleReport, throttleReportKey, throttleReportPrefix, type ThrottleReport } from "./throttle-report.ts"

const report: ThrottleReport = {
  host: "broker-1",
  pid: 4242,
  at: 1_800_000_000_000,
  nodes: [
    { name: "eth-1", chain: "ethereum", cap: 8, limit: 4, adaptive: true, inFlight: 3, peakInFlight: 8, latencyMs: 1.5, breaker: "closed", calls: 10, failures: 0 },
    { name: "btc-1", chain: "bitcoin", cap: 1, limit: 1, adaptive: true, inFlight: 0, peakInFlight: 1, latencyMs: undefined, breaker: "open", calls: 2, failures: 2 },
  ],
}

describe("throttle report codec", () => {
  test("round trip (an unknown latency stays unknown)", () => {
    expect(decodeThrottleReport(encodeThrottleReport(report))).toEqual({ ok: true, value: report })
  })

  const bad: ReadonlyArray<readonly [string, string, string]> = [
    ["not JSON", "{", "not JSON"],
    ["an array", "[]", "not a JSON object"],
    ["no host", JSON.stringify({ ...report, host: "" }), "host"],
    ["a fractional pid", JSON.stringify({ ...report, pid: 1.5 }), "pid"],
    ["nodes not a list", JSON.stringify({ ...report, nodes: {} }), "nodes"],
    ["a node of another chain", JSON.stringify({ ...report, nodes: [{ ...report.nodes[0], chain: "solana" }] }), "nodes[0].chain"],
    ["a negative limit", JSON.stringify({ ...report, nodes: [{ ...report.nodes[0], limit: -1 }] }), "nodes[0].limit"],
    ["a latency that is text", JSON.stringify({ ...report, nodes: [{ ...report.nodes[0], latencyMs: "fast" }] }), "nodes[0].latencyMs"],
  ]
  for (const [name, text, problem] of bad) {
    test(`refuses ${name}`, () => {
      const decoded = decodeThrottleReport(text)
      expect(decoded.ok).toBe(false)
      if (!decoded.ok) expect(decoded.problem).toContain(problem)
    })
  }

  test("keys: one prefix per consumer group, one key per process", () => {
    expect(throttleReportKey(throttleReportPrefix("gateway-consumers"), "broker-1", 42)).toBe("gateway-ops/gateway-consumers/throttles/broker-1/42")
  })
})
