import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import type { ReplicaStatus } from "../actors/replica/index.ts"
import { AlreadyRegistered, NotManager, type ServiceRecord, StaleEpoch, UnknownService } from "../registry/index.ts"
import { NodeUnreachable } from "../adapters/errors.ts"
import { feedItemOf } from "../actors/registry-watcher/registry-feed.ts"
import { dashboardApp } from "./dashboard-app.ts"
import type { DashboardDeps, DashboardRegistry, FeedEntry } from "./dashboard-deps.ts"
import { ManagerKeyMissing } from "./manager-key-missing.ts"

const SIGNER = "0x00000000000000000000000000000000000000aa"
const OTHER = "0x00000000000000000000000000000000000000bb"
const KEY = "operator-key-1"

/** An in-memory registry with the contract's rules, recording every write asked for. */
const fakeRegistry = (signer: string | undefined) => {
  const services = new Map<string, ServiceRecord>()
  const members = new Map<string, ReadonlyArray<string>>()
  const writes: string[] = []
  let block = 100
  const receipt = () => Effect.succeed({ txHash: `0x${(++block).toString(16).padStart(64, "0")}`, blockNumber: block })
  const managed = (id: string) =>
    Effect.gen(function* () {
      const s = services.get(id)
      if (s === undefined) return yield* new UnknownService({ serviceId: id })
      if (signer === undefined) return yield* new ManagerKeyMissing({ env: "GATEWAY_REGISTRY_KEY" })
      if (!s.managers.includes(signer)) return yield* new NotManager({ serviceId: id, account: signer })
      return s
    })
  const registry: DashboardRegistry = {
    address: "0x000000000000000000000000000000000000c0de",
    signer,
    listServices: () => Effect.succeed([...services.values()]),
    getService: (id) => {
      const s = services.get(id)
      return s === undefined ? Effect.fail(new UnknownService({ serviceId: id })) : Effect.succeed(s)
    },
    getMembers: (id) =>
      services.has(id) ? Effect.succeed(members.get(id) ?? []) : Effect.fail(new UnknownService({ serviceId: id })),
    register: (id, location, info) =>
      Effect.gen(function* () {
        writes.push(`register ${id}`)
        if (signer === undefined) return yield* new ManagerKeyMissing({ env: "GATEWAY_REGISTRY_KEY" })
        if (services.has(id)) return yield* new AlreadyRegistered({ serviceId: id })
        services.set(id, { serviceId: id, location, info, epoch: 0n, managers: [signer] })
        return yield* receipt()
      }),
    updateLocation: (id, location, epoch) =>
      Effect.gen(function* () {
        writes.push(`move ${id}`)
        const s = yield* managed(id)
        if (epoch <= s.epoch) return yield* new StaleEpoch({ serviceId: id, lastEpoch: s.epoch, givenEpoch: epoch })
        services.set(id, { ...s, location, epoch })
        return yield* receipt()
      }),
    updateInfo: (id, info) =>
      Effect.gen(function* () {
        writes.push(`info ${id}`)
        services.set(id, { ...(yield* managed(id)), info })
        return yield* receipt()
      }),
    addManager: (id, account) =>
      Effect.gen(function* () {
        writes.push(`add ${id}`)
        const s = yield* managed(id)
        services.set(id, { ...s, managers: [...s.managers, account] })
        return yield* receipt()
      }),
    removeManager: (id, account) =>
      Effect.gen(function* () {
        writes.push(`remove ${id}`)
        const s = yield* managed(id)
        services.set(id, { ...s, managers: s.managers.filter((m) => m !== account) })
        return yield* receipt()
      }),
  }
  return { registry, services, members, writes }
}

const status: ReplicaStatus = {
  node: "gw-1",
  service: "numbers",
  role: "leader",
  epoch: 42,
  leader: { node: "gw-1", incarnation: "abc", location: "http://127.0.0.1:8091" },
  lpi: 10,
  logSize: 10,
  lag: 0,
  snapshotIndex: 0,
  trimmedTo: 0,
  resyncs: 0,
  snapshotLoads: 0,
  elections: 1,
  stepDowns: 0,
  pauses: 0,
  etcdLeaderMoves: 0,
  pausedAt: undefined,
  electedAt: 1,
  servingAt: 2,
  lastStepDown: undefined,
}

const position = { blockNumber: 7, blockHash: "0xb7", transactionHash: "0xt1", logIndex: 0, removed: false }
const moved: FeedEntry = feedItemOf({ _tag: "NewLocation", serviceId: "numbers", location: "http://127.0.0.1:8092", epoch: 43n, ...position }, true, false, 1)
const claimed: FeedEntry = feedItemOf({ _tag: "Claim", serviceId: "numbers", failedLocation: "http://127.0.0.1:8091", claimant: OTHER, ...position, logIndex: 1 }, false, false, 2)

const fakeFeed = (initial: FeedEntry[] = []) => {
  const subscribers = new Set<(e: FeedEntry) => void>()
  return {
    feed: { recent: () => initial, subscribe: (fn: (e: FeedEntry) => void) => (subscribers.add(fn), () => void subscribers.delete(fn)) },
    publish: (e: FeedEntry) => subscribers.forEach((fn) => fn(e)),
    subscribers,
  }
}

const setup = (over: Partial<DashboardDeps> = {}, signer: string | null = SIGNER) => {
  const reg = fakeRegistry(signer ?? undefined)
  const feed = fakeFeed([moved, claimed])
  const deps: DashboardDeps = {
    registry: reg.registry,
    replica: { status: () => status },
    replicas: async () => [
      { node: "gw-1", lpi: 10, lag: 0, leader: true },
      { node: "gw-2", lpi: 7, lag: 3, leader: false },
    ],
    feed: feed.feed,
    apiKeys: new Set([KEY]),
    apiKeysEnv: "GATEWAY_API_KEYS",
    ...over,
  }
  return { app: dashboardApp(deps), ...reg, ...feed }
}

const post = (path: string, body: unknown, key: string | null = KEY, method = "POST") =>
  new Request(`http://gw${path}`, {
    method,
    headers: { "content-type": "application/json", ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    body: body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body),
  })

describe("pages", () => {
  test("/ redirects to the dashboard, and the assets are embedded", async () => {
    const { app } = setup()
    const root = await app.request("/")
    expect(root.status).toBe(302)
    expect(root.headers.get("location")).toBe("/dashboard")
    const js = await app.request("/dashboard/assets/dashboard.js")
    expect(js.headers.get("content-type")).toContain("javascript")
    expect(await js.text()).toContain("EventSource")
    expect((await app.request("/dashboard/assets/dashboard.css")).status).toBe(200)
  })

  test("the services page lists services, the replication and the feed, escaping what managers wrote", async () => {
    const { app, services } = setup()
    services.set("numbers", { serviceId: "numbers", location: "http://127.0.0.1:8091", epoch: 42n, info: "<script>alert(1)</script>", managers: [SIGNER] })
    services.set("<b>evil</b>", { serviceId: "<b>evil</b>", location: "http://x:1/\"><img>", epoch: 0n, info: "", managers: [SIGNER] })
    const res = await app.request("/dashboard")
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).toContain('data-service="numbers"')
    expect(page).toContain("&lt;b&gt;evil&lt;/b&gt;")
    expect(page).not.toContain("<b>evil</b>")
    expect(page).not.toContain('"><img>')
    expect(page).toContain('<dd id="leader-node">gw-1</dd>')
    expect(page).toContain('<tr data-node="gw-2"><td>gw-2</td><td>follower</td><td>7</td><td>3</td></tr>')
    expect(page).toContain('data-kind="location"')
    expect(page).toContain('data-kind="claim"')
    expect(page).toContain("unconfirmed")
  })

  test("a service page shows location, epoch, managers, leader and lag; an unknown one is a 404 page", async () => {
    const { app, services } = setup()
    services.set("numbers", { serviceId: "numbers", location: "http://127.0.0.1:8091", epoch: 42n, info: "the sample", managers: [SIGNER, OTHER] })
    const page = await (await app.request("/dashboard/services/numbers")).text()
    expect(page).toContain('<code id="location">http://127.0.0.1:8091</code>')
    expect(page).toContain('<dd id="epoch">42</dd>')
    expect(page).toContain('<dd id="registry-epoch">42</dd>')
    expect(page).toContain('value="43"')
    expect(page).toContain(`<li data-account="${OTHER}">`)
    expect(page).toContain(" (this gateway)")
    expect(page).toContain('<dd id="leader-epoch">42</dd>')
    const missing = await app.request("/dashboard/services/nobody")
    expect(missing.status).toBe(404)
    expect(await missing.text()).toContain("no service &quot;nobody&quot; is registered")
  })

  test("a service page lists the replica set its leader published, says when none is, and shows a failed read", async () => {
    const { app, services, members, registry } = setup()
    services.set("numbers", { serviceId: "numbers", location: "http://10.0.0.1:8090", epoch: 7n, info: "", managers: [SIGNER] })
    expect(await (await app.request("/dashboard/services/numbers")).text()).toContain("none published yet")
    members.set("numbers", ["http://10.0.0.1:8090", "http://10.0.0.2:8090?<x>"])
    const page = await (await app.request("/dashboard/services/numbers")).text()
    expect(page).toContain('<ul id="members"><li><code>http://10.0.0.1:8090</code></li><li><code>http://10.0.0.2:8090?&lt;x&gt;</code></li></ul>')
    const failing = setup({ registry: { ...registry, getMembers: () => Effect.fail(new NodeUnreachable({ node: "eth-1", method: "eth_call", detail: "connection refused" })) } })
    failing.services.set("numbers", { serviceId: "numbers", location: "http://10.0.0.1:8090", epoch: 7n, info: "", managers: [SIGNER] })
    const shown = await failing.app.request("/dashboard/services/numbers")
    expect(shown.status).toBe(200)
    expect(await shown.text()).toContain('id="members-error"')
  })

  test("a page for another service than the host's says it cannot show its replication", async () => {
    const { app, services } = setup()
    services.set("other", { serviceId: "other", location: "http://a:1", epoch: 0n, info: "", managers: [SIGNER] })
    const page = await (await app.request("/dashboard/services/other")).text()
    expect(page).toContain("This host replicates <b>numbers</b>, not this service")
  })

  test("a host without a replica says so, and a failing etcd read is shown, not fatal", async () => {
    expect(await (await setup({ replica: undefined }).app.request("/dashboard")).text()).toContain("runs no replica")
    const failing = setup({ replicas: () => Promise.reject(new Error("etcd down")) })
    const body = (await (await failing.app.request("/api/dashboard/replication")).json()) as { replication: { replicas_error: string } }
    expect(body.replication.replicas_error).toContain("etcd down")
  })
})

describe("JSON API", () => {
  test("services and one service with its replication", async () => {
    const { app, services } = setup()
    services.set("numbers", { serviceId: "numbers", location: "http://127.0.0.1:8091", epoch: 2n ** 63n, info: "", managers: [SIGNER] })
    const list = (await (await app.request("/api/dashboard/services")).json()) as { services: { epoch: string }[]; signer: string }
    expect(list.services[0]?.epoch).toBe("9223372036854775808")
    expect(list.signer).toBe(SIGNER)
    const one = (await (await app.request("/api/dashboard/services/numbers")).json()) as Record<string, unknown>
    expect(one.signer_is_manager).toBe(true)
    expect(one.members).toEqual([])
    expect(one.replication).toMatchObject({ service: "numbers", self: { role: "leader", epoch: 42, lpi: 10 }, replicas: [{ node: "gw-1" }, { node: "gw-2", lag: 3 }] })
  })

  test("the feed answers recent entries with stable ids", async () => {
    const { app } = setup()
    const feed = (await (await app.request("/api/dashboard/feed")).json()) as { items: Record<string, unknown>[] }
    expect(feed.items).toEqual([
      { id: moved.id, kind: "location", service_id: "numbers", location: "http://127.0.0.1:8092", epoch: "43", claimant: null, block_number: 7, tx_hash: "0xt1", confirmed: true, removed: false },
      { id: claimed.id, kind: "claim", service_id: "numbers", location: "http://127.0.0.1:8091", epoch: null, claimant: OTHER, block_number: 7, tx_hash: "0xt1", confirmed: false, removed: false },
    ])
  })

  test("the feed stream sends a snapshot, then each new entry, and unsubscribes when the client leaves", async () => {
    const { app, publish, subscribers } = setup({ keepAliveMs: 50 })
    const res = await app.request("/api/dashboard/feed/stream")
    expect(res.headers.get("content-type")).toContain("text/event-stream")
    const reader = res.body?.getReader()
    if (reader === undefined) throw new Error("no body")
    let text = ""
    const until = async (what: string) => {
      while (!text.includes(what)) text += new TextDecoder().decode((await reader.read()).value)
    }
    await until("event: snapshot")
    await until("\n\n")
    expect(subscribers.size).toBe(1)
    publish({ ...claimed, confirmed: true })
    await until("event: entry")
    await until('"confirmed":true')
    await until(": keep-alive")
    await reader.cancel()
    for (let i = 0; i < 50 && subscribers.size > 0; i++) await Bun.sleep(10)
    expect(subscribers.size).toBe(0)
  })

  test("the OpenAPI fragment lists every route", async () => {
    const doc = (await (await setup().app.request("/api/dashboard/openapi.json")).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toContain("/api/dashboard/services/{id}/managers/{account}")
    expect(Object.keys(doc.paths)).toContain("/api/dashboard/feed/stream")
  })
})

describe("manager actions", () => {
  test("need an operator key: none, a wrong one, or none configured is a 401 and nothing is sent", async () => {
    const { app, writes } = setup()
    const body = { service_id: "svc", location: "http://a:1" }
    for (const key of [null, "wrong"]) {
      const res = await app.request(post("/api/dashboard/services", body, key))
      expect(res.status).toBe(401)
      expect(res.headers.get("www-authenticate")).toContain("Bearer")
    }
    const off = await setup({ apiKeys: new Set() }).app.request(post("/api/dashboard/services", body))
    expect(off.status).toBe(401)
    expect(((await off.json()) as { message: string }).message).toContain("GATEWAY_API_KEYS")
    expect(writes).toEqual([])
  })

  test("register answers 201 with the transaction and the new record", async () => {
    const { app } = setup()
    const res = await app.request(post("/api/dashboard/services", { service_id: "svc", location: "http://10.0.0.5:8090", info: "x" }))
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({ action: "register", service_id: "svc", block_number: 101, service: { location: "http://10.0.0.5:8090", epoch: "0", managers: [SIGNER] } })
    const again = await app.request(post("/api/dashboard/services", { service_id: "svc", location: "http://10.0.0.5:8090" }))
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ error: "already_registered", rule: "a service id is registered once" })
  })

  test("bad input is a 400 naming the field and rule, and nothing is sent", async () => {
    const { app, writes, services } = setup()
    services.set("svc", { serviceId: "svc", location: "http://a:1", epoch: 5n, info: "", managers: [SIGNER] })
    const cases: ReadonlyArray<readonly [Request, string, string]> = [
      [post("/api/dashboard/services", { service_id: "svc", location: "not a url" }), "location", "an http(s) URL"],
      [post("/api/dashboard/services/svc/location", { location: "http://a:2", epoch: "-1" }), "epoch", "an integer from 0 to 2^64-1"],
      [post("/api/dashboard/services/svc/managers", { account: "0x12" }), "account", "a 0x address"],
      [post(`/api/dashboard/services/${"x".repeat(40)}/info`, { info: "" }), "service_id", "1 to 32 UTF-8 bytes, no NUL"],
      [post("/api/dashboard/services/svc/managers/0xnope", undefined, KEY, "DELETE"), "account", "a 0x address"],
      [post("/api/dashboard/services", "{not json"), "body", "valid JSON"],
    ]
    for (const [request, field, rule] of cases) {
      const res = await app.request(request)
      expect(res.status).toBe(400)
      const body = (await res.json()) as { field?: string; rule?: string; error: string; message: string }
      if (field === "body") expect(body.error).toBe("invalid_json")
      else expect({ field: body.field, rule: body.rule }).toEqual({ field, rule })
    }
    expect(writes).toEqual([])
  })

  test("a move with a stale epoch is a 409 naming the last epoch; a fresh one moves the service", async () => {
    const { app, services } = setup()
    services.set("svc", { serviceId: "svc", location: "http://a:1", epoch: 5n, info: "", managers: [SIGNER] })
    const stale = await app.request(post("/api/dashboard/services/svc/location", { location: "http://a:2", epoch: "5" }))
    expect(stale.status).toBe(409)
    expect(await stale.json()).toMatchObject({ error: "stale_epoch", rule: "the epoch must be greater than the last one written (5)", last_epoch: "5", given_epoch: "5" })
    const ok = await app.request(post("/api/dashboard/services/svc/location", { location: "http://a:2", epoch: 6 }))
    expect(ok.status).toBe(200)
    expect(services.get("svc")).toMatchObject({ location: "http://a:2", epoch: 6n })
  })

  test("when the gateway's key is not a manager the answer is a 403 naming onlyManagers", async () => {
    const { app, services } = setup()
    services.set("theirs", { serviceId: "theirs", location: "http://a:1", epoch: 0n, info: "", managers: [OTHER] })
    const res = await app.request(post("/api/dashboard/services/theirs/info", { info: "mine now" }))
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ error: "not_manager", rule: "onlyManagers: only a manager of the service may update it", account: SIGNER, service_id: "theirs" })
  })

  test("managers are added and removed; an unknown service is a 404", async () => {
    const { app, services } = setup()
    services.set("svc", { serviceId: "svc", location: "http://a:1", epoch: 0n, info: "", managers: [SIGNER] })
    expect((await app.request(post("/api/dashboard/services/svc/managers", { account: OTHER.toUpperCase().replace("0X", "0x") }))).status).toBe(200)
    expect(services.get("svc")?.managers).toEqual([SIGNER, OTHER])
    expect((await app.request(post(`/api/dashboard/services/svc/managers/${OTHER}`, undefined, KEY, "DELETE"))).status).toBe(200)
    expect(services.get("svc")?.managers).toEqual([SIGNER])
    expect((await app.request(post("/api/dashboard/services/ghost/info", { info: "" }))).status).toBe(404)
  })

  test("without a manager key an action is a 503 naming the variable", async () => {
    const { app } = setup({}, null)
    const res = await app.request(post("/api/dashboard/services", { service_id: "svc", location: "http://a:1" }))
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ error: "manager_key_missing", variable: "GATEWAY_REGISTRY_KEY" })
  })

  test("a node failure is a 503 with Retry-After, and the services page shows the error", async () => {
    const { registry } = setup()
    const down = new NodeUnreachable({ node: "anvil", method: "eth_call", detail: "connection refused" })
    const broken = dashboardApp({
      registry: { ...registry, listServices: () => Effect.fail(down), register: () => Effect.fail(down) },
      feed: { recent: () => [], subscribe: () => () => undefined },
      apiKeys: new Set([KEY]),
      apiKeysEnv: "GATEWAY_API_KEYS",
    })
    const res = await broken.request(post("/api/dashboard/services", { service_id: "svc", location: "http://a:1" }))
    expect(res.status).toBe(503)
    expect(res.headers.get("retry-after")).toBe("5")
    expect((await broken.request("/api/dashboard/services")).status).toBe(503)
    expect(await (await broken.request("/dashboard")).text()).toContain("could not list the services")
  })
})
