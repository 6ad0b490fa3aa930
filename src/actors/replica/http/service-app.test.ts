import { describe, expect, test } from "bun:test"
import { makeReadiness, type Readiness } from "../../../host/readiness.ts"
import { makeMetrics } from "../../../observability/metrics.ts"
import type { ReplicaStatus } from "../core.ts"
import { NotLeader, type NotLeaderReason } from "../errors.ts"
import { etcdContactCheck } from "../etcd-contact.ts"
import type { ReplicaPeer } from "../peers.ts"
import type { Submitted } from "../waiters.ts"
import { makeServiceApp } from "./service-app.ts"
import { defaultServiceLimits, type ServiceLimits, type ServiceReplica } from "./service-deps.ts"

/** An in-memory stand-in for the replica handle: a leader that applies at once, or a non-leader. */
const fakeReplica = (opts: { role?: ReplicaStatus["role"]; reason?: NotLeaderReason; hang?: boolean } = {}) => {
  const numbers: number[] = []
  const firstIndex = new Map<string, number>()
  const role = opts.role ?? "leader"
  let submits = 0
  const status = (): ReplicaStatus => ({
    node: "n1", service: "svc", role, epoch: role === "leader" ? 77 : undefined,
    leader: role === "leader" ? { node: "n1", incarnation: "i", location: "http://127.0.0.1:1" } : { node: "n2", incarnation: "j", location: "http://127.0.0.1:2" },
    lpi: numbers.length, logSize: numbers.length, lag: 0, snapshotIndex: 0, trimmedTo: 0, resyncs: 0, snapshotLoads: 0, elections: 1, stepDowns: 0, pauses: 0, etcdLeaderMoves: 0, pausedAt: undefined,
    electedAt: undefined, servingAt: undefined, lastStepDown: undefined,
  })
  const replica: ServiceReplica = {
    node: "n1",
    submit: (id, payload): Promise<Submitted> => {
      submits += 1
      if (role !== "leader") return Promise.reject(new NotLeader({ node: "n1", reason: opts.reason ?? "follower", leader: status().leader }))
      if (opts.hang) return new Promise(() => undefined)
      const first = firstIndex.get(id)
      if (first !== undefined) return Promise.resolve({ index: first })
      numbers.push(payload as number)
      firstIndex.set(id, numbers.length)
      return Promise.resolve({ index: numbers.length })
    },
    state: () => numbers,
    status,
    lookup: (id) => firstIndex.get(id),
    replicas: (): Promise<ReplicaPeer[]> => Promise.resolve([{ node: "n1", lpi: numbers.length, lag: 0, leader: true }]),
  }
  return { replica, numbers, submits: () => submits }
}

const appFor = (replica: ServiceReplica, limits: Partial<ServiceLimits> = {}, readiness: Readiness = makeReadiness()) =>
  makeServiceApp({ version: "test", replica, metrics: makeMetrics(), limits: { ...defaultServiceLimits, ...limits }, readiness: readiness.report })

const post = (app: ReturnType<typeof appFor>, body: unknown) =>
  app.request("/v1/numbers", { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) })

describe("POST /v1/numbers", () => {
  test("the leader applies a number and answers its index, node and epoch", async () => {
    const f = fakeReplica()
    const app = appFor(f.replica)
    const res = await post(app, { request_id: "a", number: 5 })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ request_id: "a", index: 1, node: "n1", epoch: 77, duplicate: false })
    expect(f.numbers).toEqual([5])
  })

  test("a repeated request_id answers its first index and is applied once", async () => {
    const f = fakeReplica()
    const app = appFor(f.replica)
    await post(app, { request_id: "a", number: 5 })
    await post(app, { request_id: "b", number: 6 })
    const again = await post(app, { request_id: "a", number: 5 })
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ request_id: "a", index: 1, duplicate: true })
    expect(f.numbers).toEqual([5, 6])
  })

  test.each([
    { name: "fraction", body: { request_id: "x", number: 1.5 }, field: "number" },
    { name: "string number", body: { request_id: "x", number: "1" }, field: "number" },
    { name: "missing id", body: { number: 1 }, field: "request_id" },
    { name: "unknown field", body: { request_id: "x", number: 1, extra: true }, field: "extra" },
    { name: "not JSON", body: "{oops", field: "body" },
  ])("bad input ($name) is a 400 naming the field and the rule, and nothing is applied", async ({ body, field }) => {
    const f = fakeReplica()
    const app = appFor(f.replica)
    const res = await post(app, body)
    expect(res.status).toBe(400)
    const json = (await res.json()) as { error: string; field: string; rule: string }
    expect(json.error).toBe("invalid_request")
    expect(json.field).toBe(field)
    expect(json.rule.length).toBeGreaterThan(5)
    expect(f.submits()).toBe(0)
    expect(f.numbers).toEqual([])
  })

  test("a body over the limit is 413", async () => {
    const f = fakeReplica()
    const res = await post(appFor(f.replica, { maxBodyBytes: 20 }), { request_id: "a".repeat(30), number: 1 })
    expect(res.status).toBe(413)
    expect(f.submits()).toBe(0)
  })

  test("a follower answers 421 with the leader's node and location", async () => {
    const res = await post(appFor(fakeReplica({ role: "follower" }).replica), { request_id: "a", number: 1 })
    expect(res.status).toBe(421)
    expect(await res.json()).toMatchObject({ error: "not_leader", reason: "follower", leader: { node: "n2", location: "http://127.0.0.1:2" } })
  })

  describe("Gateway-Forward: leader", () => {
    type Forward = NonNullable<Parameters<typeof makeServiceApp>[0]["forward"]>
    const forwardingApp = (forward: Forward, replica: ServiceReplica = fakeReplica({ role: "follower" }).replica, limits: Partial<ServiceLimits> = {}) =>
      makeServiceApp({ version: "test", replica, metrics: makeMetrics(), limits: { ...defaultServiceLimits, ...limits }, readiness: makeReadiness().report, forward })
    const send = (app: ReturnType<typeof forwardingApp>, headers: Record<string, string>) =>
      app.request("/v1/numbers", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ request_id: "a", number: 1 }) })

    test("a follower relays the body to the leader, once, and answers with the leader's answer", async () => {
      const calls: Array<{ url: string; headers: Readonly<Record<string, string>>; body: string; timeoutMs: number }> = []
      const app = forwardingApp(async (args) => {
        calls.push(args)
        return { _tag: "answered", status: 200, body: JSON.stringify({ request_id: "a", index: 4, node: "n2", epoch: 9, duplicate: false }), retryAfter: null }
      })
      const res = await send(app, { "gateway-forward": "leader" })
      expect([res.status, res.headers.get("gateway-forwarded-to")]).toEqual([200, "n2"])
      expect(await res.json()).toMatchObject({ index: 4, node: "n2" })
      expect(calls).toEqual([{ url: "http://127.0.0.1:2/v1/numbers", headers: { "gateway-forwarded-by": "n1" }, body: JSON.stringify({ request_id: "a", number: 1 }), timeoutMs: expect.any(Number) }])
      // The relay may wait as long as what is left of the submit timeout, never longer.
      expect(calls[0]?.timeoutMs).toBeLessThanOrEqual(defaultServiceLimits.submitTimeoutMs)
    })

    test("without the header, or already relayed once, a follower answers 421 and relays nothing", async () => {
      let calls = 0
      const app = forwardingApp(async () => {
        calls += 1
        return { _tag: "answered", status: 200, body: "{}", retryAfter: null }
      })
      expect((await send(app, {})).status).toBe(421)
      expect((await send(app, { "gateway-forward": "leader", "gateway-forwarded-by": "n3" })).status).toBe(421)
      expect(calls).toBe(0)
    })

    test("a leader that does not answer, and no other leader within the submit timeout, is a 503 saying whether the outcome is unknown (timeout) or nothing was applied (unreachable)", async () => {
      const short = { submitTimeoutMs: 150 }
      const late = await send(forwardingApp(async () => ({ _tag: "timeout", afterMs: 10 }), undefined, short), { "gateway-forward": "leader" })
      expect([late.status, late.headers.get("retry-after")]).toEqual([503, "1"])
      expect(await late.json()).toMatchObject({ error: "timeout", leader: { node: "n2" } })
      const gone = await send(forwardingApp(async () => ({ _tag: "unreachable", detail: "ECONNREFUSED" }), undefined, short), { "gateway-forward": "leader" })
      expect(await gone.json()).toMatchObject({ error: "leader_unreachable", message: expect.stringContaining("nothing was applied") })
    })

    /** A follower whose known leader is `leader()`, and which leads itself once `leads()` (then it applies at once). */
    const movingReplica = (leader: () => string, leads: () => boolean = () => false) => {
      const f = fakeReplica({ role: "follower" })
      const where = (node: string) => ({ node, incarnation: "i", location: `http://${node}` })
      const status = (): ReplicaStatus => ({ ...f.replica.status(), role: leads() ? "leader" : "follower", leader: where(leads() ? "n1" : leader()) })
      const replica: ServiceReplica = {
        ...f.replica,
        status,
        submit: (id, n) => (leads() ? Promise.resolve({ index: 1 }) : Promise.reject(new NotLeader({ node: "n1", reason: "follower", leader: status().leader }))),
      }
      return replica
    }

    test("a leader that does not answer: the follower holds the submission until another is elected and relays it there, same request id", async () => {
      let leader = "n2"
      const calls: string[] = []
      const app = forwardingApp(async (args) => {
        calls.push(args.url)
        if (args.url.startsWith("http://n2")) {
          setTimeout(() => { leader = "n3" }, 120)
          return { _tag: "unreachable", detail: "EHOSTUNREACH" }
        }
        return { _tag: "answered", status: 200, body: args.body, retryAfter: null }
      }, movingReplica(() => leader), { submitTimeoutMs: 2_000 })
      const res = await send(app, { "gateway-forward": "leader" })
      expect([res.status, res.headers.get("gateway-forwarded-to")]).toEqual([200, "n3"])
      expect(await res.json()).toEqual({ request_id: "a", number: 1 })
      expect(calls).toEqual(["http://n2/v1/numbers", "http://n3/v1/numbers"])
    })

    test("a relay still unanswered when another leader is elected goes to the new leader at once", async () => {
      let leader = "n2"
      const calls: string[] = []
      const app = forwardingApp(async (args) => {
        calls.push(args.url)
        if (args.url.startsWith("http://n2")) {
          // A cut leader: no answer until the relay's own timeout.
          setTimeout(() => { leader = "n3" }, 100)
          return new Promise((resolve) => setTimeout(() => resolve({ _tag: "timeout", afterMs: args.timeoutMs }), args.timeoutMs))
        }
        return { _tag: "answered", status: 200, body: "{}", retryAfter: null }
      }, movingReplica(() => leader), { submitTimeoutMs: 5_000 })
      const started = performance.now()
      const res = await send(app, { "gateway-forward": "leader" })
      expect([res.status, res.headers.get("gateway-forwarded-to")]).toEqual([200, "n3"])
      expect(performance.now() - started).toBeLessThan(2_000)
      expect(calls).toEqual(["http://n2/v1/numbers", "http://n3/v1/numbers"])
    })

    test("a follower elected while it holds the submission applies it itself", async () => {
      let leads = false
      const app = forwardingApp(async () => {
        setTimeout(() => { leads = true }, 100)
        return { _tag: "unreachable", detail: "EHOSTUNREACH" }
      }, movingReplica(() => "n2", () => leads), { submitTimeoutMs: 2_000 })
      const res = await send(app, { "gateway-forward": "leader" })
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ request_id: "a", index: 1, node: "n1" })
    })

    test("a replica that says it leads yet refuses is asked again every 50 ms, never in a spin, and answers when the timeout is up", async () => {
      const f = fakeReplica({ role: "follower" })
      let submits = 0
      const replica: ServiceReplica = {
        ...f.replica,
        status: () => ({ ...f.replica.status(), role: "leader" }),
        submit: () => {
          submits += 1
          return Promise.reject(new NotLeader({ node: "n1", reason: "follower", leader: undefined }))
        },
      }
      const res = await send(forwardingApp(async () => ({ _tag: "unreachable", detail: "never called" }), replica, { submitTimeoutMs: 300 }), { "gateway-forward": "leader" })
      expect(res.status).toBe(421)
      expect(submits).toBeGreaterThan(1)
      expect(submits).toBeLessThanOrEqual(8)
    })

    test("the leader's refusal comes back as it was, with its Retry-After", async () => {
      const res = await send(forwardingApp(async () => ({ _tag: "answered", status: 503, body: JSON.stringify({ error: "overloaded" }), retryAfter: "3" })), { "gateway-forward": "leader" })
      expect([res.status, res.headers.get("retry-after")]).toEqual([503, "3"])
    })
  })

  test("a replica catching up answers 503 with Retry-After", async () => {
    const res = await post(appFor(fakeReplica({ role: "catching-up", reason: "catching-up" }).replica, { retryAfterS: 2 }), { request_id: "a", number: 1 })
    expect(res.status).toBe(503)
    expect(res.headers.get("retry-after")).toBe("2")
    expect(await res.json()).toMatchObject({ error: "not_serving", reason: "catching-up" })
  })

  test("a submission not applied in time is 503 (outcome unknown), and the next one over the in-flight cap is 503 overloaded", async () => {
    const app = appFor(fakeReplica({ hang: true }).replica, { submitTimeoutMs: 50, maxInFlight: 1 })
    const slow = post(app, { request_id: "a", number: 1 })
    const over = await post(app, { request_id: "b", number: 2 })
    expect(over.status).toBe(503)
    expect(await over.json()).toMatchObject({ error: "overloaded" })
    const timedOut = await slow
    expect(timedOut.status).toBe(503)
    expect(timedOut.headers.get("retry-after")).toBe("1")
    expect(await timedOut.json()).toMatchObject({ error: "timeout" })
  })
})

describe("reads", () => {
  test("GET /v1/numbers lists what this replica applied", async () => {
    const f = fakeReplica()
    const app = appFor(f.replica)
    await post(app, { request_id: "a", number: 3 })
    await post(app, { request_id: "b", number: -4 })
    expect(await (await app.request("/v1/numbers")).json()).toEqual({ node: "n1", lpi: 2, numbers: [3, -4] })
  })

  test("GET /v1/replica is the handle's status; /v1/replicas the peers", async () => {
    const app = appFor(fakeReplica().replica)
    expect(await (await app.request("/v1/replica")).json()).toMatchObject({ node: "n1", role: "leader", epoch: 77 })
    expect(await (await app.request("/v1/replicas")).json()).toEqual([{ node: "n1", lpi: 0, lag: 0, leader: true }])
  })

  test("readyz reports the host's checks: 503 naming the failing one, with Retry-After, then 200; healthz, metrics and openapi answer", async () => {
    let now = Date.parse("2026-01-01T00:00:00.000Z")
    const readiness = makeReadiness(() => now)
    const etcd = etcdContactCheck(readiness, { stepDownAfterMs: 3500 })
    const app = appFor(fakeReplica({ role: "stopped", reason: "stopped" }).replica, {}, readiness)
    const notReady = await app.request("/readyz")
    expect(notReady.status).toBe(503)
    expect(notReady.headers.get("retry-after")).toBe("1")
    expect(await notReady.json()).toEqual({
      status: "not ready",
      message: "not ready: replica.etcd: the replica has not reached etcd yet",
      failing: ["replica.etcd"],
      checks: [{ name: "replica.etcd", state: "failing", since: "2026-01-01T00:00:00.000Z", reason: "the replica has not reached etcd yet" }],
      node: "n1",
      role: "stopped",
    })
    now += 500
    etcd.pass()
    const ready = await app.request("/readyz")
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: "ready", checks: [{ name: "replica.etcd", state: "ok", since: "2026-01-01T00:00:00.500Z" }], node: "n1", role: "stopped" })
    now += 3501
    expect(await (await app.request("/readyz")).json()).toMatchObject({ status: "not ready", failing: ["replica.etcd"], message: "not ready: replica.etcd: etcd has answered no lease grant or keep-alive (last ok 3501 ms ago, allowed 3500 ms)" })
    expect((await app.request("/healthz")).status).toBe(200)
    await app.request("/v1/numbers")
    expect(await (await app.request("/metrics")).text()).toContain('gateway_service_requests_total{code="200",method="GET",route="/v1/numbers"} 1')
    const doc = (await (await app.request("/openapi.json")).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toContain("/v1/numbers")
    expect((await app.request("/nope")).status).toBe(404)
  })

  test("mounts add routes to the same app, and their paths and schemas to /openapi.json", async () => {
    const app = makeServiceApp({ version: "t", replica: fakeReplica().replica, metrics: makeMetrics(), limits: defaultServiceLimits, readiness: makeReadiness().report }, [
      {
        routes: (a) => a.get("/dashboard/ping", (c) => c.text("pong")),
        openApi: { paths: { "/dashboard/ping": { get: { summary: "ping" } } }, components: { schemas: { Pong: { type: "string" } } } },
      },
    ])
    expect(await (await app.request("/dashboard/ping")).text()).toBe("pong")
    const doc = (await (await app.request("/openapi.json")).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/numbers", "/dashboard/ping"]))
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["Pong", "NumberRequest"]))
  })
})

describe("GET /v1/requests/:id", () => {
  test("an applied request answers its first index, without applying anything", async () => {
    const f = fakeReplica()
    const app = appFor(f.replica)
    await post(app, { request_id: "a", number: 3 })
    await post(app, { request_id: "b", number: 4 })
    const res = await app.request("/v1/requests/b")
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ request_id: "b", index: 2, node: "n1", lpi: 2 })
    expect(f.submits()).toBe(2)
    expect(f.numbers).toEqual([3, 4])
  })

  test("an id the dedupe window does not hold is 404 unknown_request, saying the window's size", async () => {
    const f = fakeReplica()
    const app = appFor(f.replica)
    await post(app, { request_id: "a", number: 3 })
    const res = await app.request("/v1/requests/gave-up-7")
    expect(res.status).toBe(404)
    const json = (await res.json()) as { error: string; request_id: string; lpi: number; message: string }
    expect(json).toMatchObject({ error: "unknown_request", request_id: "gave-up-7", node: "n1", lpi: 1 })
    expect(json.message).toContain("last 4096 requests")
    expect(f.submits()).toBe(1)
  })

  test("a percent-encoded id is decoded; a follower answers from its own applied state", async () => {
    const f = fakeReplica({ role: "follower" })
    const res = await appFor(f.replica).request(`/v1/requests/${encodeURIComponent("a/b")}`)
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: "unknown_request", request_id: "a/b" })
  })

  test.each([
    { name: "too long", id: "x".repeat(129) },
    { name: "with a space", id: encodeURIComponent("a b") },
    { name: "non-ASCII", id: encodeURIComponent("é") },
  ])("a malformed id ($name) is 400 naming request_id and its rule", async ({ id }) => {
    const res = await appFor(fakeReplica().replica).request(`/v1/requests/${id}`)
    expect(res.status).toBe(400)
    const json = (await res.json()) as { error: string; field: string; rule: string }
    expect(json).toMatchObject({ error: "invalid_request", field: "request_id" })
    expect(json.rule).toContain("printable ASCII")
  })

  test("the route is in /openapi.json", async () => {
    const doc = (await (await appFor(fakeReplica().replica).request("/openapi.json")).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toContain("/v1/requests/{request_id}")
  })
})
