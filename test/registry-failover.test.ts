/**
 * Paper B end to end on the real stack (etcd + anvil automine), through the compiled
 * binary: three gateway processes run `--role replica,registry-watcher`, each as its own
 * host of a generated config with its own replica listen and a short lease (2 s TTL,
 * step-down at 1.4 s). The test deploys a fresh ServiceRegistry and points the gateways
 * at it with GATEWAY_REGISTRY_ADDRESS, signing with a fresh funded manager key.
 *
 * It submits numbers over HTTP to the leader, checks that bad input is refused with a
 * 400 naming the field and changes nothing, and that a repeated request_id is applied
 * once; then SIGKILLs the leader. The registry must move to the new leader with a higher
 * epoch (a NewLocation event), and every surviving replica must hold exactly the
 * acknowledged numbers, before and after the failover, in the same order.
 *
 * Runs `dist/gateway` (built by `npm test`); GATEWAY_TEST_BINARY names another build.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test"
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { accountFromKey, closeEthereumNode, ethereumCall, makeEthereumNode } from "../src/adapters/ethereum.ts"
import { DEFAULT_CLAIM_BOUND, deployRegistry, getServiceLocation, getServiceMembers, newLocationEvents, type Registry } from "../src/registry/index.ts"
import { builtBinary, type GatewayProcess, startGateway } from "./support/gateway-process.ts"
import { deleteService } from "./support/replica-harness.ts"
import { freePort, replicaHostsConfig } from "./support/replica-hosts-config.ts"
import { waitForValue } from "./support/wait-for-value.ts"

setDefaultTimeout(120_000)

const RPC = "http://127.0.0.1:8545"
const ETCD = (process.env.GATEWAY_ETCD_ENDPOINTS ?? "http://127.0.0.1:2379,http://127.0.0.1:22379,http://127.0.0.1:32379").split(",")
const SERVICE = `regfail-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`
const HOSTS = ["r1", "r2", "r3"] as const

const node = makeEthereumNode({ name: "anvil", url: RPC, chainId: 31337, pollingIntervalMs: 50 })
const rpc = (method: string, params: readonly unknown[] = []) => Effect.runPromise(ethereumCall(node, method, params))

interface Running {
  readonly name: string
  readonly url: string
  gw: GatewayProcess
}

interface Status {
  readonly node: string
  readonly role: string
  readonly epoch?: number
  readonly lpi: number
}

const getJson = async <A>(url: string): Promise<A> => {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) })
  return (await res.json()) as A
}

const statusOf = (r: Running): Promise<Status | undefined> => getJson<Status>(`${r.url}/v1/replica`).catch(() => undefined)

/** The replica serving as leader, and its epoch. */
const servingLeader = (replicas: readonly Running[]) =>
  waitForValue("a serving leader", async () => {
    for (const r of replicas) {
      const s = await statusOf(r)
      if (s?.role === "leader" && s.epoch !== undefined) return { replica: r, epoch: s.epoch }
    }
    return undefined
  }, 30_000)

const post = (url: string, body: unknown) =>
  fetch(`${url}/v1/numbers`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body), signal: AbortSignal.timeout(15_000) })

interface Applied {
  readonly request_id: string
  readonly index: number
  readonly node: string
  readonly epoch: number
  readonly duplicate: boolean
}

const numbersOf = (r: Running) => getJson<{ node: string; lpi: number; numbers: number[] }>(`${r.url}/v1/numbers`)

describe("registry failover through the compiled binary", () => {
  let dir = ""
  let registry: Registry
  const replicas: Running[] = []

  beforeAll(async () => {
    const key = `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex")}`
    const manager = accountFromKey(node, key)
    if (manager === undefined) throw new Error("random key rejected")
    await rpc("anvil_setBalance", [manager.address, `0x${(100n * 10n ** 18n).toString(16)}`])
    registry = (await Effect.runPromise(deployRegistry(manager, DEFAULT_CLAIM_BOUND, { confirmations: 1, timeoutMs: 60_000 }))).registry

    dir = mkdtempSync(join(tmpdir(), "gateway-failover-"))
    copyFileSync(process.env.GATEWAY_TEST_BINARY ?? builtBinary, join(dir, "gateway"))
    const ports = HOSTS.map(() => freePort())
    writeFileSync(join(dir, "failover.toml"), replicaHostsConfig(SERVICE, HOSTS, ports))
    const env = { GATEWAY_REGISTRY_ADDRESS: registry.address, GATEWAY_REGISTRY_KEY: key }
    for (const [i, name] of HOSTS.entries()) {
      const gw = startGateway(dir, ["--config", "failover.toml", "--host", name, "--role", "replica,registry-watcher"], env)
      replicas.push({ name, url: `http://127.0.0.1:${ports[i]}`, gw })
    }
    await Promise.all(replicas.map((r) => r.gw.waitFor((l) => l.event === "gateway.ready", 30_000)))
  })

  afterAll(async () => {
    for (const r of replicas) if (r.gw.proc.exitCode === null) r.gw.proc.kill("SIGTERM")
    await Promise.all(replicas.map((r) => r.gw.proc.exited))
    await deleteService(ETCD, SERVICE).catch(() => undefined)
    await Effect.runPromise(closeEthereumNode(node))
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test("the registry follows the leader across a SIGKILL, and every survivor holds the acknowledged numbers in order", async () => {
    const started = performance.now()
    // 1. A leader serves and the registry points at it with its epoch.
    const first = await servingLeader(replicas)
    const located = await waitForValue("the registry at the first leader", async () => {
      const r = await Effect.runPromise(Effect.result(getServiceLocation(registry, SERVICE)))
      return r._tag === "Success" && r.success.location === first.replica.url && r.success.epoch === BigInt(first.epoch) ? r.success : undefined
    }, 20_000)
    expect(located.epoch).toBe(BigInt(first.epoch))
    // The leader also published the replica set from the config, for clients to try when the location is silent.
    const members = await waitForValue("the replica set in the registry", async () => {
      const r = await Effect.runPromise(Effect.result(getServiceMembers(registry, SERVICE)))
      return r._tag === "Success" && r.success.length > 0 ? r.success : undefined
    }, 20_000)
    expect([...members].sort()).toEqual(replicas.map((r) => r.url).sort())

    // 2. Numbers acknowledged by the first leader.
    const acked: { id: string; number: number; index: number }[] = []
    for (let i = 0; i < 15; i++) {
      const number = Math.floor(Math.random() * 1_000_000) - 500_000
      const res = await post(first.replica.url, { request_id: `a-${i}`, number })
      expect(res.status).toBe(200)
      const body = (await res.json()) as Applied
      expect(body).toMatchObject({ request_id: `a-${i}`, node: first.replica.name, epoch: first.epoch, duplicate: false })
      acked.push({ id: `a-${i}`, number, index: body.index })
    }

    // 3. Bad input: a 400 naming the field and the rule; nothing is applied.
    const before = await numbersOf(first.replica)
    for (const [body, field] of [
      [{ request_id: "bad-1", number: 1.5 }, "number"],
      [{ request_id: "bad-2", number: "7" }, "number"],
      [{ number: 7 }, "request_id"],
      [{ request_id: "bad-3", number: 7, extra: 1 }, "extra"],
      ["not json", "body"],
    ] as const) {
      const res = await post(first.replica.url, body)
      expect(res.status).toBe(400)
      const json = (await res.json()) as { error: string; field: string; rule: string }
      expect(json).toMatchObject({ error: "invalid_request", field })
      expect(json.rule.length).toBeGreaterThan(5)
    }

    // 4. A repeated request_id answers its first index and is applied once.
    const again = await post(first.replica.url, { request_id: "a-3", number: acked[3]?.number })
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ request_id: "a-3", index: acked[3]?.index, duplicate: true })
    expect((await numbersOf(first.replica)).numbers).toEqual(before.numbers)
    expect(before.numbers).toEqual(acked.map((a) => a.number))

    // A follower refuses with 421 and names the leader's location.
    const follower = replicas.find((r) => r !== first.replica)
    if (!follower) throw new Error("no follower")
    const refused = await post(follower.url, { request_id: "via-follower", number: 1 })
    expect(refused.status).toBe(421)
    expect(await refused.json()).toMatchObject({ error: "not_leader", leader: { node: first.replica.name, location: first.replica.url } })

    // Asked with Gateway-Forward: leader, the follower relays it and answers with the leader's answer; a repeat there is the same entry.
    const forward = (body: unknown) =>
      fetch(`${follower.url}/v1/numbers`, { method: "POST", headers: { "content-type": "application/json", "gateway-forward": "leader" }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) })
    const viaFollower = await forward({ request_id: "a-via-follower", number: 4242 })
    expect([viaFollower.status, viaFollower.headers.get("gateway-forwarded-to")]).toEqual([200, first.replica.name])
    const relayed = (await viaFollower.json()) as Applied
    expect(relayed).toMatchObject({ request_id: "a-via-follower", node: first.replica.name, index: acked.length + 1, duplicate: false })
    acked.push({ id: "a-via-follower", number: 4242, index: relayed.index })
    expect(await (await forward({ request_id: "a-via-follower", number: 4242 })).json()).toMatchObject({ index: relayed.index, duplicate: true })

    // 5. SIGKILL the leader: no resign, its lease runs out.
    const killedAt = performance.now()
    first.replica.gw.proc.kill("SIGKILL")
    await first.replica.gw.proc.exited
    const survivors = replicas.filter((r) => r !== first.replica)
    const second = await servingLeader(survivors)
    expect(second.epoch).toBeGreaterThan(first.epoch)
    const moved = await waitForValue("the registry at the new leader", async () => {
      const r = await Effect.runPromise(Effect.result(getServiceLocation(registry, SERVICE)))
      return r._tag === "Success" && r.success.location === second.replica.url ? r.success : undefined
    }, 20_000)
    expect(moved.epoch).toBe(BigInt(second.epoch))
    const failoverMs = Math.round(performance.now() - killedAt)
    const events = await Effect.runPromise(newLocationEvents(registry, { fromBlock: 0, toBlock: "latest", serviceId: SERVICE }))
    const last = events.at(-1)
    expect(last).toMatchObject({ location: second.replica.url, epoch: BigInt(second.epoch), removed: false })
    expect(events.map((e) => e.epoch)).toEqual([0n, BigInt(first.epoch), BigInt(second.epoch)])

    // 6. Numbers acknowledged by the new leader; a retry of an old id is still applied once.
    for (let i = 0; i < 15; i++) {
      const number = Math.floor(Math.random() * 1_000_000) - 500_000
      const res = await post(second.replica.url, { request_id: `b-${i}`, number })
      expect(res.status).toBe(200)
      const body = (await res.json()) as Applied
      expect(body.duplicate).toBe(false)
      expect(body.epoch).toBe(second.epoch)
      acked.push({ id: `b-${i}`, number, index: body.index })
    }
    const retried = await post(second.replica.url, { request_id: "a-7", number: acked[7]?.number })
    expect(retried.status).toBe(200)
    expect(await retried.json()).toMatchObject({ index: acked[7]?.index, duplicate: true })

    // 7. Every survivor holds exactly the acknowledged numbers, in acknowledgement order.
    const want = acked.map((a) => a.number)
    expect(acked.map((a) => a.index)).toEqual(acked.map((_, i) => i + 1))
    for (const r of survivors) {
      const list = await waitForValue(`${r.name} to apply everything`, async () => {
        const n = await numbersOf(r).catch(() => undefined)
        return n && n.lpi >= want.length ? n : undefined
      }, 10_000)
      expect(list.numbers).toEqual(want)
    }
    const peers = await waitForValue("the dead replica's LPI key to expire", async () => {
      const rows = await getJson<{ node: string; leader: boolean; lag: number }[]>(`${second.replica.url}/v1/replicas`).catch(() => undefined)
      return rows && rows.length === 2 ? rows : undefined
    }, 10_000)
    expect(peers.map((p) => p.node).sort()).toEqual(survivors.map((s) => s.name).sort())
    expect(peers.find((p) => p.leader)?.node).toBe(second.replica.name)

    // The new leader's watcher wrote once (its write returns after polling for the receipt,
    // which may be after the registry already answers the new location) and saw the change.
    const metrics = await waitForValue("the new leader's write to be counted", async () => {
      const text = await (await fetch(`${second.replica.url}/metrics`)).text()
      return text.includes('gateway_registry_location_writes_total{outcome="written"} 1') ? text : undefined
    }, 5_000)
    expect(metrics).toMatch(/gateway_registry_location_changes_total\{service="[^"]+"\} [1-9]/)
    console.log(`registry failover: epoch ${first.epoch} -> ${second.epoch}, registry moved ${failoverMs} ms after SIGKILL, ${acked.length} numbers on ${survivors.length} survivors, test ${Math.round(performance.now() - started)} ms`)
  })
})
