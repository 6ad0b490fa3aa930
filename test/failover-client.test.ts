/**
 * The failover client (src/client/) against the real stack: a ServiceRegistry freshly
 * deployed on anvil, and three replicas of the sample service on the shared etcd, each
 * behind the real service app on its own loopback socket (test/support/served-replica.ts).
 * The test plays the registry-watcher itself (register, then updateLocation with the
 * leader's epoch) so it decides when the registry moves.
 *
 * In order, on one service:
 * 1. the registry names a follower: the client follows its 421 to the leader; a repeated
 *    request id answers the first index; an invalid number is Rejected naming the field;
 * 2. the registry moves (updateLocation, higher epoch) to a location that delivers
 *    requests to the leader but loses its answers; the client learns the move from
 *    NewLocation events, its request is applied there, the answer is lost, the leader
 *    dies, the registry moves to the new leader, and the client's retry under the same
 *    request id answers that first index (`duplicate`): every replica holds it once;
 * 3. the leader dies and the registry still names it: with retry off the one attempt
 *    fails (Unreachable) and nothing is applied;
 * 4. still nobody answers there: a retrying client with a key files exactly one claim,
 *    which is on chain as a Claim event; `gateway client claim` files another.
 * `gateway client` subcommands run in-process against the same registry along the way.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test"
import { Effect } from "effect"
import { accountFromKey, closeEthereumNode, type EthereumAccount, ethereumCall, makeEthereumNode } from "../src/adapters/ethereum.ts"
import { captureContext } from "../src/cli/capture-context.fixture.ts"
import { makeClientCommand } from "../src/cli/client-command.ts"
import { type FailoverClient, type FailoverClientOptions, makeFailoverClient } from "../src/client/index.ts"
import { claimEvents, deployRegistry, getServiceLocation, type Registry, register, updateLocation, updateMembers } from "../src/registry/index.ts"
import { deleteService, waitFor } from "./support/replica-harness.ts"
import { type ReplyDroppingProxy, startReplyDroppingProxy } from "./support/reply-dropping-proxy.ts"
import { type ServedReplica, startServedReplica } from "./support/served-replica.ts"

setDefaultTimeout(120_000)

const RPC = "http://127.0.0.1:8545"
const ETCD = (process.env.GATEWAY_ETCD_ENDPOINTS ?? "http://127.0.0.1:2379,http://127.0.0.1:22379,http://127.0.0.1:32379").split(",")
const SERVICE = `fclient-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`

const node = makeEthereumNode({ name: "anvil", url: RPC, chainId: 31337, pollingIntervalMs: 50 })
const rpc = (method: string, params: readonly unknown[] = []) => Effect.runPromise(ethereumCall(node, method, params))
const ok = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

/** A fresh account with 100 ether, so no other user of anvil sends from it. */
const freshAccount = async (): Promise<{ account: EthereumAccount; key: string }> => {
  const key = `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex")}`
  const account = accountFromKey(node, key)
  if (account === undefined) throw new Error("random key rejected")
  await rpc("anvil_setBalance", [account.address, `0x${(100n * 10n ** 18n).toString(16)}`])
  return { account, key }
}

/** A number nobody else submits, so a list can be searched for it. */
const uniqueNumber = () => 1_000_000 + Math.floor(Math.random() * 1_000_000_000)
const count = (list: ReadonlyArray<number>, n: number) => list.filter((x) => x === n).length

let registry: Registry
let manager: EthereumAccount
const replicas: ServedReplica[] = []
const clients: FailoverClient[] = []
const proxies: ReplyDroppingProxy[] = []

const client = (over: Partial<FailoverClientOptions> = {}): FailoverClient => {
  const c = makeFailoverClient({
    rpcUrl: RPC,
    registryAddress: registry.address,
    serviceId: SERVICE,
    requestTimeoutMs: 800,
    deadlineMs: 60_000,
    pollIntervalMs: 100,
    confirmations: 1,
    ...over,
  })
  clients.push(c)
  return c
}

/** Replicas this test killed: their last status may still say leader. */
const killed = new Set<ServedReplica>()
const kill = async (r: ServedReplica) => {
  killed.add(r)
  await r.kill()
}

/** The replicas alive, and the one that serves as leader once exactly one does. */
const alive = () => replicas.filter((r) => !killed.has(r))
const leader = async (): Promise<ServedReplica> => {
  let found: ServedReplica | undefined
  await waitFor("a serving leader", () => {
    const leaders = alive().filter((r) => r.replica.handle.status().role === "leader")
    found = leaders.length === 1 ? leaders[0] : undefined
    return found !== undefined
  }, 30_000)
  if (found === undefined) throw new Error("no leader")
  return found
}
const epochOf = (r: ServedReplica): bigint => BigInt(r.replica.handle.status().epoch ?? 0)

/** Runs `gateway client ...` in-process against this test's registry and service. */
const cli = async (argv: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const { context, out, err } = captureContext()
  const code = await makeClientCommand(env).run([...argv, "--rpc-url", RPC, "--registry", registry.address, "--service", SERVICE], context)
  return { code, out, err }
}

beforeAll(async () => {
  manager = (await freshAccount()).account
  // One claim per claimant per block, so the test's claims are never "too soon" on automine.
  registry = (await ok(deployRegistry(manager, { intervalBlocks: 1, maxPerBlock: 4 }, { confirmations: 1, timeoutMs: 60_000 }))).registry
  for (const name of ["c1", "c2", "c3"]) replicas.push(await startServedReplica(name, SERVICE, ETCD))
  await leader()
})

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await Promise.all(proxies.map((p) => p.close()))
  await Promise.all(replicas.map((r) => r.stop().catch(() => undefined)))
  await deleteService(ETCD, SERVICE).catch(() => undefined)
  await Effect.runPromise(closeEthereumNode(node))
})

describe("failover client against real replicas and the registry on anvil", () => {
  const retrying = () => client()

  let follower: ServedReplica
  let first: ServedReplica
  let main: FailoverClient

  test("a 421 from the follower the registry names leads to the leader; a repeated id answers its first index", async () => {
    first = await leader()
    const candidate = replicas.find((r) => r !== first)
    if (candidate === undefined) throw new Error("no follower")
    follower = candidate
    await ok(register(registry, manager, SERVICE, follower.url, "failover-client test"))

    main = retrying()
    const where = await main.locate()
    expect(where).toEqual({ location: follower.url, epoch: 0n })

    const n = uniqueNumber()
    const applied = await main.submit(n, "req-a")
    expect(applied).toMatchObject({ ok: true, requestId: "req-a", node: first.node, location: first.url, duplicate: false })
    expect(main.counters()).toMatchObject({ attempts: 2, redirects: 1, applied: 1, claims: 0 })

    const again = await main.submit(n, "req-a")
    expect(again).toMatchObject({ ok: true, duplicate: true, node: first.node })
    if (!applied.ok || !again.ok) throw new Error("unreachable")
    expect(again.index).toBe(applied.index)
    expect(count(first.replica.handle.state(), n)).toBe(1)

    const bad = await main.submit(1.5, "req-bad")
    expect(bad).toMatchObject({ ok: false, _tag: "Rejected", requestId: "req-bad", field: "number", attempts: 1 })
    expect(count(first.replica.handle.state(), 1.5)).toBe(0)

    const located = await cli(["locate"])
    expect(located).toEqual({
      code: 0,
      out: [`service ${SERVICE} is at ${follower.url} (epoch 0)`, `  registry ${registry.address} on ${RPC}`],
      err: [],
    })
  })

  test("a move to a new leader (higher epoch) is followed, and the retry under the same id is not applied twice", async () => {
    // The registry moves to a location that reaches the leader but loses every answer.
    const lossy = startReplyDroppingProxy(first.url)
    proxies.push(lossy)
    const e1 = epochOf(first)
    await ok(updateLocation(registry, manager, SERVICE, lossy.url, e1))
    // The client learns it from NewLocation events, without a submit failing first.
    await waitFor("the client to see NewLocation", () => main.counters().moves >= 1, 10_000)
    const readsBefore = main.counters().rereads

    const n = uniqueNumber()
    const pending = main.submit(n, "req-x")
    // The leader applies it; the client never hears, and keeps retrying at the lossy location.
    await waitFor("the leader to apply req-x", () => lossy.delivered() >= 1 && count(first.replica.handle.state(), n) === 1, 20_000)

    // The leader's machine dies; another replica takes over, and its watcher (this test) moves the registry.
    await kill(first)
    const second = await leader()
    expect(second).not.toBe(first)
    const e2 = epochOf(second)
    expect(e2).toBeGreaterThan(e1)
    await ok(updateLocation(registry, manager, SERVICE, second.url, e2))

    const result = await pending
    expect(result).toMatchObject({ ok: true, requestId: "req-x", node: second.node, location: second.url, duplicate: true })
    if (!result.ok) throw new Error("unreachable")
    expect(result.attempts).toBeGreaterThan(1)
    expect(main.counters().rereads).toBeGreaterThan(readsBefore)
    for (const r of alive()) {
      await waitFor(`${r.node} to apply req-x`, () => count(r.replica.handle.state(), n) === 1, 10_000)
    }
    const [a, b] = alive().map((r) => r.replica.handle.state())
    expect(a).toEqual(b ?? [])
    expect(count(a ?? [], n)).toBe(1)

    // The CLI, with the same id, answers the same first index; its list holds the number once.
    const again = await cli(["submit", String(n), "--request-id", "req-x"])
    expect(again.code).toBe(0)
    expect(again.out[0]).toBe(`applied ${n} at index ${result.index} on ${second.node} (${second.url}, applied earlier under this request id)`)
    const listed = await cli(["list"])
    expect(listed.code).toBe(0)
    expect(listed.out[0]).toStartWith(`node ${second.node} at ${second.url}: `)
    expect(count(listed.out.slice(1).map(Number), n)).toBe(1)

    // A lookup asks without resubmitting: req-x is known at its first index; an id never sent is not.
    const found = await cli(["lookup", "req-x"])
    expect(found.code).toBe(0)
    expect(found.out[0]).toStartWith(`req-x applied at index ${result.index} (node ${second.node} at ${second.url}`)
    const unknown = await cli(["lookup", "req-never-sent"])
    expect(unknown.code).toBe(3)
    expect(unknown.out[0]).toStartWith(`req-never-sent unknown to node ${second.node}`)
    expect(count(second.replica.handle.state(), n)).toBe(1)
  })

  let dead: ServedReplica

  test("with retry off, a dead location is one failed attempt and nothing is applied", async () => {
    dead = await leader()
    expect((await ok(getServiceLocation(registry, SERVICE))).location).toBe(dead.url)
    await kill(dead)

    const oneShot = client({ retry: false })
    const n = uniqueNumber()
    const result = await oneShot.submit(n, "req-dead")
    expect(result).toMatchObject({ ok: false, _tag: "Unreachable", requestId: "req-dead", attempts: 1, location: dead.url, reason: "unreachable" })
    expect(oneShot.counters()).toMatchObject({ submits: 1, attempts: 1, failed: 1, claims: 0 })

    const cliResult = await cli(["submit", String(n), "--no-retry", "--request-id", "req-dead"])
    expect(cliResult.code).toBe(1)
    expect(cliResult.err.at(-1)).toStartWith(`gateway client submit: request req-dead not applied: unreachable at ${dead.url}`)

    const survivor = await leader()
    expect(count(survivor.replica.handle.state(), n)).toBe(0)
  })

  test("when no location answers, the client files one claim, and it is on chain", async () => {
    const claimant = await freshAccount()
    const fromBlock = Number(await rpc("eth_blockNumber"))
    const claiming = client({ claimKey: claimant.key, claimAfterFailures: 2, requestTimeoutMs: 500, deadlineMs: 3_000 })
    const result = await claiming.submit(uniqueNumber(), "req-claim")
    expect(result).toMatchObject({ ok: false, _tag: "Timeout", requestId: "req-claim", location: dead.url, last: "unreachable" })
    await claiming.settled()
    expect(claiming.counters()).toMatchObject({ claims: 1, claimsConfirmed: 1, claimsRefused: 0, claimsFailed: 0 })
    expect(claiming.counters().attempts).toBeGreaterThan(2)

    const events = await ok(claimEvents(registry, { fromBlock, toBlock: "latest", serviceId: SERVICE }))
    expect(events.map((e) => ({ failedLocation: e.failedLocation, claimant: e.claimant, removed: e.removed }))).toEqual([
      { failedLocation: dead.url, claimant: claimant.account.address, removed: false },
    ])

    // The CLI files one too, from a key named by --key-env.
    const other = await freshAccount()
    const claimed = await cli(["claim", "--key-env", "CLAIM_KEY"], { CLAIM_KEY: other.key })
    expect(claimed.code).toBe(0)
    expect(claimed.out[0]).toBe(`claimed that ${SERVICE} does not answer at ${dead.url}`)
    const after = await ok(claimEvents(registry, { fromBlock, toBlock: "latest", serviceId: SERVICE }))
    expect(after.map((e) => e.claimant)).toEqual([claimant.account.address, other.account.address])
  })

  test("with the replica set known, a registry location that applies but never answers is hedged to a member: answered at once, applied once", async () => {
    const survivor = await leader()
    // The registry names a location that reaches the leader but loses every answer: silent.
    const lossy = startReplyDroppingProxy(survivor.url)
    proxies.push(lossy)
    await ok(updateLocation(registry, manager, SERVICE, lossy.url, epochOf(survivor)))
    const hedging = client({ members: alive().map((r) => r.url), hedgeAfterMs: 200, requestTimeoutMs: 5_000, deadlineMs: 20_000 })
    const n = uniqueNumber()
    const result = await hedging.submit(n, "req-hedge")
    expect(result).toMatchObject({ ok: true, requestId: "req-hedge", node: survivor.node, location: survivor.url })
    // One attempt, answered by the hedge long before its 5 s timeout; the silent one applied it or the hedge did, once.
    expect(hedging.counters()).toMatchObject({ attempts: 1, hedges: 1, applied: 1 })
    expect(lossy.delivered()).toBeGreaterThanOrEqual(1)
    await waitFor("the leader to hold req-hedge", () => count(survivor.replica.handle.state(), n) === 1, 10_000)
    expect(count(survivor.replica.handle.state(), n)).toBe(1)

    // The next submit starts at the member that answered, while the registry still names the silent location.
    const next = await hedging.submit(uniqueNumber(), "req-hedge-2")
    expect(next).toMatchObject({ ok: true, location: survivor.url })
    expect(hedging.counters()).toMatchObject({ attempts: 2, hedges: 1 })
  })

  test("one-shot: the client any replica serves, reading the replica set from the registry, is served past a silent and then a dead registry location; paper B's client is not", async () => {
    const survivor = await leader()
    // The set a leader's registry-watcher publishes; neither client is given it.
    await ok(updateMembers(registry, manager, SERVICE, alive().map((r) => r.url)))
    const paper = client({ retry: false, hedgeAfterMs: 200, requestTimeoutMs: 2_000 })
    const anyReplica = client({ retry: false, forwardToLeader: true, hedgeAfterMs: 200, requestTimeoutMs: 2_000 })

    // The registry still names the proxy that delivers to the leader and loses every answer.
    const silent = uniqueNumber()
    expect(await paper.submit(uniqueNumber(), "req-paper-silent")).toMatchObject({ ok: false, _tag: "Timeout", attempts: 1 })
    expect(await anyReplica.submit(silent, "req-one-shot-silent")).toMatchObject({ ok: true, requestId: "req-one-shot-silent", node: survivor.node })

    // Now it names the killed leader: refused at once, so the member is asked at once.
    await ok(updateLocation(registry, manager, SERVICE, dead.url, epochOf(survivor) + 1n))
    for (const c of [paper, anyReplica]) {
      const until = Date.now() + 10_000
      for (let at = await c.locate(); !("location" in at) || at.location !== dead.url; at = await c.locate()) {
        if (Date.now() > until) throw new Error("the clients never learnt the move to the dead location")
        await Bun.sleep(50)
      }
    }
    const refused = uniqueNumber()
    const started = performance.now()
    expect(await anyReplica.submit(refused, "req-one-shot-dead")).toMatchObject({ ok: true, requestId: "req-one-shot-dead", node: survivor.node })
    expect(performance.now() - started).toBeLessThan(2_000)
    expect(await paper.submit(uniqueNumber(), "req-paper-dead")).toMatchObject({ ok: false, _tag: "Unreachable", attempts: 1 })

    // One submit each, one hedge each, never a retry; the paper's client never hedged. Each number applied once.
    expect(anyReplica.counters()).toMatchObject({ submits: 2, attempts: 2, hedges: 2, retries: 0, applied: 2 })
    expect(paper.counters()).toMatchObject({ submits: 2, attempts: 2, hedges: 0, failed: 2 })
    await waitFor("the leader to hold both", () => count(survivor.replica.handle.state(), silent) === 1 && count(survivor.replica.handle.state(), refused) === 1, 10_000)
    for (const r of alive()) await waitFor(`${r.node} to hold each once`, () => count(r.replica.handle.state(), silent) === 1 && count(r.replica.handle.state(), refused) === 1, 10_000)
  })
})
