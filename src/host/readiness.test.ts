import { describe, expect, test } from "bun:test"
import { type Evidence, initialSignal, makeReadiness, readinessAnswer, readSignal, type SignalOptions, stepSignal } from "./readiness.ts"

const plain: SignalOptions = { initialReason: "not started" }
const heartbeat: SignalOptions = { initialReason: "not joined", staleAfterMs: 100, staleReason: "no heartbeat answered" }

type Step = readonly [at: number, evidence: Evidence]
const ok: Evidence = { ok: true }
const down = (reason: string): Evidence => ({ ok: false, reason })

/** Runs the evidence from a fresh state at t=0 and reads the result at `now`. */
const run = (options: SignalOptions, steps: readonly Step[], now: number) =>
  readSignal(steps.reduce((s, [at, e]) => stepSignal(s, e, at, options), initialSignal(options, 0)), now, options)

describe("readSignal after evidence", () => {
  const cases: ReadonlyArray<readonly [string, SignalOptions, readonly Step[], number, unknown]> = [
    ["nothing seen yet: failing since the start, with the initial reason", plain, [], 50, { ok: false, since: 0, reason: "not started" }],
    ["a pass: ok since the pass", plain, [[10, ok]], 50, { ok: true, since: 10 }],
    ["passes keep the first pass's time", plain, [[10, ok], [20, ok], [30, ok]], 50, { ok: true, since: 10 }],
    ["a failure after a pass: failing since the failure", plain, [[10, ok], [20, down("broker gone")]], 50, { ok: false, since: 20, reason: "broker gone" }],
    ["failures keep the first failure's time and take the newest reason", plain, [[10, ok], [20, down("a")], [30, down("b")]], 50, { ok: false, since: 20, reason: "b" }],
    ["a pass after failures: ok again from the pass", plain, [[10, ok], [20, down("a")], [40, ok]], 50, { ok: true, since: 40 }],
    ["without staleAfterMs, old evidence stays ok", plain, [[10, ok]], 1_000_000, { ok: true, since: 10 }],
    ["fresh enough: ok", heartbeat, [[10, ok], [90, ok]], 190, { ok: true, since: 10 }],
    ["stale: failing from the moment it expired", heartbeat, [[10, ok], [90, ok]], 250, { ok: false, since: 190, reason: "no heartbeat answered (last ok 160 ms ago, allowed 100 ms)" }],
    ["a pass after going stale starts a new ok period", heartbeat, [[10, ok], [300, ok]], 310, { ok: true, since: 300 }],
    ["a failure while stale keeps the stale time", heartbeat, [[10, ok], [300, down("crashed")]], 310, { ok: false, since: 110, reason: "crashed" }],
    ["a failure never goes stale into ok", heartbeat, [[10, down("crashed")]], 10_000, { ok: false, since: 0, reason: "crashed" }],
  ]
  test.each(cases)("%s", (_, options, steps, now, expected) => {
    expect(run(options, steps, now)).toEqual(expected as never)
  })
})

describe("makeReadiness", () => {
  test("checks start failing, report in registration order, and the host is ready only when all pass", () => {
    let now = Date.parse("2026-01-01T00:00:00.000Z")
    const readiness = makeReadiness(() => now)
    const kafka = readiness.check("producer.kafka", plain)
    const group = readiness.check("consumer.group", heartbeat)
    expect(readiness.report()).toEqual({
      ready: false,
      checks: [
        { name: "producer.kafka", state: "failing", since: "2026-01-01T00:00:00.000Z", reason: "not started" },
        { name: "consumer.group", state: "failing", since: "2026-01-01T00:00:00.000Z", reason: "not joined" },
      ],
    })
    now += 1000
    kafka.pass()
    group.pass()
    expect(readiness.report().ready).toBe(true)
    now += 150
    expect(readiness.report()).toEqual({
      ready: false,
      checks: [
        { name: "producer.kafka", state: "ok", since: "2026-01-01T00:00:01.000Z" },
        { name: "consumer.group", state: "failing", since: "2026-01-01T00:00:01.100Z", reason: "no heartbeat answered (last ok 150 ms ago, allowed 100 ms)" },
      ],
    })
  })

  test("registering a name again returns the same check, so a restarted actor keeps its history", () => {
    const readiness = makeReadiness(() => 0)
    const first = readiness.check("replica.etcd", plain)
    first.pass()
    expect(readiness.check("replica.etcd", { initialReason: "other" })).toBe(first)
    expect(readiness.report().checks).toHaveLength(1)
    expect(readiness.report().ready).toBe(true)
  })
})

describe("readinessAnswer", () => {
  test("200 naming every check when ready", () => {
    const answer = readinessAnswer({ ready: true, checks: [{ name: "replica.etcd", state: "ok", since: "2026-01-01T00:00:00.000Z" }] })
    expect(answer).toEqual({ status: 200, body: { status: "ready", checks: [{ name: "replica.etcd", state: "ok", since: "2026-01-01T00:00:00.000Z" }] } })
  })

  test("503 naming the failing checks and why", () => {
    const checks = [
      { name: "producer.kafka", state: "failing", since: "2026-01-01T00:00:00.000Z", reason: "no broker answered a metadata request" },
      { name: "replica.etcd", state: "ok", since: "2026-01-01T00:00:00.000Z" },
    ] as const
    expect(readinessAnswer({ ready: false, checks })).toEqual({
      status: 503,
      body: { status: "not ready", message: "not ready: producer.kafka: no broker answered a metadata request", failing: ["producer.kafka"], checks },
    })
  })
})
