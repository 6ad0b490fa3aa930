import { describe, expect, test } from "bun:test"
import type { MiddlewareHandler } from "hono"
import type { StatusRecord } from "../../domain/status.ts"
import { openStatusStore } from "../../status/store.ts"
import { operationsApp } from "./operations-app.ts"
import type { OpsDeps } from "./ops-deps.ts"
import { makeStatusSeries } from "../../status/status-series.ts"

const NOW = 1_800_000_000_000
const KEY = "op-key"
const requireKey: MiddlewareHandler = async (c, next) => {
  if (c.req.header("authorization") !== `Bearer ${KEY}`) return c.json({ error: "unauthorized", message: "no API key" }, 401)
  await next()
  return undefined
}

const rec = (id: string, status: StatusRecord["status"], at: number, extra: Partial<StatusRecord> = {}): StatusRecord => ({ id, status, chain: "ethereum", sender: "0xabc", partition: 1, at, ...extra })

const setup = (over: Partial<OpsDeps> = {}) => {
  const store = openStatusStore()
  store.applyMany([
    rec("ok-1", "confirmed", NOW - 1_000),
    rec("bad-1", "failed", NOW - 5_000, { reason: "insufficient funds <script>", owner: "owner-a" }),
    rec("theirs-1", "failed", NOW - 4_000, { reason: "another key's", owner: "owner-b" }),
    rec("dead-1", "dlq", NOW - 6_000, { reason: "unknown method" }),
    rec("slow-1", "submitted", NOW - 300_000, { txid: "0x01" }),
    rec("fresh-1", "accepted", NOW - 1_000),
  ])
  const series = makeStatusSeries(10)
  series.add({ at: NOW - 5_000, counts: store.countByStatus() })
  series.add({ at: NOW, counts: store.countByStatus() })
  const deps: OpsDeps = {
    host: "local",
    roles: ["producer", "consumer"],
    status: store,
    backlog: () => ({ topic: "sendto", group: "g", readAt: NOW - 500, partitions: [{ partition: 0, end: 10, committed: 4, backlog: 6 }, { partition: 1, end: 3, committed: -1, backlog: 3 }] }),
    dlqMessages: () => 2,
    dlqTopic: "sendto.dlq",
    nodes: () => [
      { name: "eth-1", chain: "ethereum", cap: 8, limit: 4, adaptive: true, inFlight: 3, peakInFlight: 8, latencyMs: 12.345, breaker: "closed", calls: 100, failures: 1 },
      { name: "btc-1", chain: "bitcoin", cap: 1, limit: 1, adaptive: true, inFlight: 0, peakInFlight: 1, latencyMs: undefined, breaker: "open", calls: 5, failures: 5, reportedBy: { host: "b1", pid: 77, at: NOW - 3_000 } },
    ],
    // btc-1 is reported by b1, so only eth-2 is left out.
    nodesElsewhere: [{ name: "btc-1", chain: "bitcoin", cap: 1, hosts: ["b1"] }, { name: "eth-2", chain: "ethereum", cap: 4, hosts: ["b2"] }],
    series,
    sampleEveryMs: 5_000,
    requireKey,
    ownerOf: (headers) => (headers.get("authorization") === `Bearer ${KEY}` ? "owner-a" : "nobody"),
    apiKeysEnv: "GATEWAY_API_KEYS",
    now: () => NOW,
    loopDelay: () => ({ p99Ms: 12.345, maxMs: 85.06, ticks: 480, windowMs: 10_000 }),
    ...over,
  }
  return operationsApp(deps)
}

describe("operations app", () => {
  test("the overview has the backlog per partition, the nodes and the counts, with no key", async () => {
    const res = await setup().request("/ops/api/overview")
    expect(res.status).toBe(200)
    const o = (await res.json()) as Record<string, unknown> & { backlog: { total: number; partitions: unknown[] }; nodes: Array<Record<string, unknown>>; counts: Record<string, number>; series: { samples: number } }
    expect(o.backlog.total).toBe(9)
    expect(o.backlog.partitions).toEqual([{ partition: 0, end: 10, committed: 4, backlog: 6 }, { partition: 1, end: 3, committed: -1, backlog: 3 }])
    expect(o.nodes[0]).toMatchObject({ host: null, pid: null, reported_at: null, name: "eth-1", cap: 8, limit: 4, in_flight: 3, latency_ms: 12.3 })
    expect(o.nodes[1]).toMatchObject({ host: "b1", pid: 77, reported_at: NOW - 3_000, name: "btc-1", latency_ms: null, breaker: "open" })
    expect(o.counts).toMatchObject({ confirmed: 1, failed: 2, dlq: 1, submitted: 1, accepted: 1 })
    expect(o.series.samples).toBe(2)
    expect(o).toMatchObject({ dlq: { topic: "sendto.dlq", messages: 2 }, nodes_elsewhere: [{ name: "eth-2", hosts: ["b2"] }] })
  })

  test("the overview and the page say how late this process's event loop ran, or that it is not watched", async () => {
    const o = (await (await setup().request("/ops/api/overview")).json()) as { event_loop: unknown }
    expect(o.event_loop).toEqual({ p99_ms: 12.3, max_ms: 85.1, ticks: 480, window_s: 10 })
    expect(await (await setup().request("/ops")).text()).toContain("ran a 20 ms timer up to 85.1 ms late over the last 10 s (p99 12.3 ms)")
    const unwatched = setup({ loopDelay: undefined })
    expect(((await (await unwatched.request("/ops/api/overview")).json()) as { event_loop: unknown }).event_loop).toBeNull()
    expect(await (await unwatched.request("/ops")).text()).toContain("This process does not watch its event loop.")
  })

  test("the attention list needs the key", async () => {
    expect((await setup().request("/ops/api/attention")).status).toBe(401)
  })

  test("the attention list: stuck past the threshold, failed and dlq with reasons, of the key's own requests", async () => {
    const res = await setup().request("/ops/api/attention?stuck_after_s=60", { headers: { authorization: `Bearer ${KEY}` } })
    expect(res.status).toBe(200)
    const a = (await res.json()) as { stuck_after_s: number; stuck: Array<{ id: string; age_ms: number }>; failed: Array<{ id: string; reason: string }>; dlq: Array<{ id: string }>; totals: unknown }
    expect(a.stuck_after_s).toBe(60)
    expect(a.stuck.map((s) => [s.id, s.age_ms])).toEqual([["slow-1", 300_000]])
    // theirs-1 is another key's; records without an owner (older ones) are everyone's.
    expect(a.failed).toMatchObject([{ id: "bad-1", reason: "insufficient funds <script>" }])
    expect(a.dlq.map((d) => d.id)).toEqual(["dead-1"])
    expect(a.totals).toEqual({ failed: 2, dlq: 1 })
  })

  test("the page renders the partitions, the node and the chart, and escapes what it shows", async () => {
    const res = await setup().request("/ops")
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).toContain('<tr data-partition="0" data-backlog="6">')
    expect(page).toContain('<tr data-node="eth-1" data-chain="ethereum" data-breaker="closed" data-host=""><td>eth-1</td><td class="source">this process</td>')
    expect(page).toContain('<tr data-node="btc-1" data-chain="bitcoin" data-breaker="open" data-host="b1"><td>btc-1</td><td class="source">b1 (pid 77), 3 s ago</td>')
    expect(page).toContain('data-samples="2"')
    expect(page).toContain("12.3 ms")
    expect(page).toContain("so not shown: eth-2 (ethereum, cap 4, called by b2)")
    // Request ids and reasons come only with a key, through the script.
    expect(page).not.toContain("bad-1")
  })

  test("a request's page is a frame naming the id, escaped", async () => {
    const res = await setup().request(`/ops/requests/${encodeURIComponent('x"><b>')}`)
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).toContain('data-request-id="x&quot;&gt;&lt;b&gt;"')
    expect(page).not.toContain('x"><b>')
  })

  test("the chart, the assets and the OpenAPI document are served", async () => {
    const app = setup()
    const svg = await app.request("/ops/chart.svg")
    expect(svg.headers.get("content-type")).toContain("image/svg+xml")
    expect(await svg.text()).toContain("<polyline")
    expect((await app.request("/ops/assets/ops.js")).status).toBe(200)
    expect(await (await app.request("/ops/assets/ops.css")).text()).toContain("#status-chart")
    const doc = (await (await app.request("/ops/api/openapi.json")).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toEqual(["/ops/api/overview", "/ops/api/attention", "/ops/chart.svg"])
  })

  test("an unknown page under /ops is a 404 page", async () => {
    expect((await setup().request("/ops/nothing")).status).toBe(404)
  })
})
