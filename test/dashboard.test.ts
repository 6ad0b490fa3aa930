/**
 * The Service Registry Dashboard end to end, in real headless Chromium (Debian's
 * `chromium`, driven by playwright-core), against the real stack: a freshly deployed
 * ServiceRegistry on anvil and three compiled gateways running `--role
 * replica,registry-watcher` on etcd, each serving the dashboard on its replica listen.
 *
 * In the browser: an operator registers a service, manages its managers, is refused
 * with a 400 naming the field for bad input (nothing reaches the chain) and with a 403
 * naming onlyManagers on a service the gateway's key does not manage; then, watching
 * the replicated service's page on a host that survives, sees the leader's SIGKILL move
 * its location to the new leader at a higher epoch, and sees a claim filed from another
 * account arrive in the live feed. Every assertion about the chain reads it back.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test"
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import type { Browser, Page } from "playwright-core"
import { accountFromKey, closeEthereumNode, type EthereumAccount, ethereumCall, makeEthereumNode } from "../src/adapters/ethereum.ts"
import { DEFAULT_CLAIM_BOUND, deployRegistry, getService, getServiceLocation, isManager, type Registry, register, sendClaim } from "../src/registry/index.ts"
import { builtBinary, type GatewayProcess, startGateway } from "./support/gateway-process.ts"
import { CHROMIUM, launchChromium } from "./support/headless-chromium.ts"
import { deleteService } from "./support/replica-harness.ts"
import { freePort, replicaHostsConfig } from "./support/replica-hosts-config.ts"
import { waitForValue } from "./support/wait-for-value.ts"

setDefaultTimeout(180_000)

const RPC = "http://127.0.0.1:8545"
const ETCD = (process.env.GATEWAY_ETCD_ENDPOINTS ?? "http://127.0.0.1:2379,http://127.0.0.1:22379,http://127.0.0.1:32379").split(",")
const TAG = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
/** The replicated service the gateways run (their watchers register it). */
const SERVICE = `dash-${TAG}`
/** The service the operator registers in the browser. */
const REGISTERED = `ui-${TAG}`
/** A service registered by another account, which the gateway's key does not manage. */
const THEIRS = `theirs-${TAG}`
const HOSTS = ["d1", "d2", "d3"] as const
const OPERATOR_KEY = `op-${crypto.randomUUID()}`

const node = makeEthereumNode({ name: "anvil", url: RPC, chainId: 31337, pollingIntervalMs: 50 })
const rpc = (method: string, params: readonly unknown[] = []) => Effect.runPromise(ethereumCall(node, method, params))
const ok = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

/** A fresh account with 100 ether, so no other user of anvil sends from it. */
const freshAccount = async (): Promise<{ readonly account: EthereumAccount; readonly key: string }> => {
  const key = `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex")}`
  const account = accountFromKey(node, key)
  if (account === undefined) throw new Error("random key rejected")
  await rpc("anvil_setBalance", [account.address, `0x${(100n * 10n ** 18n).toString(16)}`])
  return { account, key }
}

interface Host {
  readonly name: string
  readonly url: string
  readonly gw: GatewayProcess
}

const getJson = async <A>(url: string): Promise<A | undefined> => {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) })
    return res.ok ? ((await res.json()) as A) : undefined
  } catch {
    return undefined
  }
}

/** The host whose replica leads and serves, with its epoch. */
const servingLeader = (hosts: readonly Host[]) =>
  waitForValue("a serving leader", async () => {
    for (const h of hosts) {
      const s = await getJson<{ role: string; epoch?: number }>(`${h.url}/v1/replica`)
      if (s?.role === "leader" && s.epoch !== undefined) return { host: h, epoch: s.epoch }
    }
    return undefined
  }, 30_000)

/** The text of `selector` once `check` holds for it (the page updates itself; nothing reloads). */
const textWhen = async (page: Page, selector: string, check: (text: string) => boolean, timeoutMs = 30_000): Promise<string> => {
  const deadline = Date.now() + timeoutMs
  let last = ""
  while (Date.now() < deadline) {
    last = (await page.locator(selector).first().textContent({ timeout: 1_000 }).catch(() => null)) ?? ""
    if (check(last)) return last
    await Bun.sleep(100)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting on ${selector}; last text: ${JSON.stringify(last)}`)
}

/** Fills and submits one of the page's action forms; answers the result line once the action is answered. */
const submitForm = async (page: Page, form: string, fields: Readonly<Record<string, string>>): Promise<string> => {
  for (const [name, value] of Object.entries(fields)) await page.fill(`${form} [name="${name}"]`, value)
  await page.click(`${form} button[type="submit"]`)
  const result = page.locator(`${form} .result`)
  await result.and(page.locator('[data-state="ok"], [data-state="error"]')).waitFor({ timeout: 60_000 })
  return (await result.textContent()) ?? ""
}

describe("Service Registry Dashboard in headless Chromium", () => {
  let dir = ""
  let registry: Registry
  let manager: EthereumAccount
  let outsider: EthereumAccount
  let claimant: EthereumAccount
  let browser: Browser
  const hosts: Host[] = []
  const pageErrors: string[] = []

  beforeAll(async () => {
    const gatewayKey = await freshAccount()
    manager = gatewayKey.account
    ;[outsider, claimant] = (await Promise.all([freshAccount(), freshAccount()])).map((a) => a.account) as [EthereumAccount, EthereumAccount]
    const deployed = await ok(deployRegistry(manager, DEFAULT_CLAIM_BOUND, { confirmations: 1, timeoutMs: 60_000 }))
    registry = deployed.registry
    await ok(register(registry, outsider, THEIRS, "http://10.1.1.1:8090", "not the gateway's"))

    dir = mkdtempSync(join(tmpdir(), "gateway-dashboard-"))
    copyFileSync(process.env.GATEWAY_TEST_BINARY ?? builtBinary, join(dir, "gateway"))
    const ports = HOSTS.map(() => freePort())
    writeFileSync(join(dir, "dashboard.toml"), replicaHostsConfig(SERVICE, HOSTS, ports, deployed.blockNumber))
    const env = { GATEWAY_REGISTRY_ADDRESS: registry.address, GATEWAY_REGISTRY_KEY: gatewayKey.key, GATEWAY_API_KEYS: OPERATOR_KEY }
    for (const [i, name] of HOSTS.entries()) {
      const gw = startGateway(dir, ["--config", "dashboard.toml", "--host", name, "--role", "replica,registry-watcher"], env)
      hosts.push({ name, url: `http://127.0.0.1:${ports[i]}`, gw })
    }
    await Promise.all(hosts.map((h) => h.gw.waitFor((l) => l.event === "gateway.ready", 30_000)))
    // The leader registers the service, writes its location, then the replica set, all from
    // the key the dashboard's forms send with. A form sent meanwhile can pick the same
    // pending nonce ("replacement transaction underpriced", seen once in CI): start after them.
    await Promise.any(hosts.map((h) => h.gw.waitFor((l) => l.event === "registry-watcher.members-written", 60_000)))
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    for (const h of hosts) if (h.gw.proc.exitCode === null) h.gw.proc.kill("SIGTERM")
    await Promise.all(hosts.map((h) => h.gw.proc.exited))
    await deleteService(ETCD, SERVICE).catch(() => undefined)
    await Effect.runPromise(closeEthereumNode(node))
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  /** A fresh page whose script errors are collected (the test fails on any). */
  const openPage = async (url: string): Promise<Page> => {
    const page = await browser.newPage()
    page.on("pageerror", (e) => pageErrors.push(`${url}: ${e.message}`))
    await page.goto(url)
    return page
  }

  test("chromium is Debian's, driven through playwright-core", () => {
    expect(browser.version()).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
    console.log(`dashboard e2e: chromium ${browser.version()} at ${CHROMIUM}`)
  })

  test("an operator registers a service, manages its managers, and is refused with the field or the rule", async () => {
    const host = hosts[0]
    if (!host) throw new Error("no host")
    const page = await openPage(`${host.url}/`)
    expect(page.url()).toBe(`${host.url}/dashboard`)
    expect(await page.locator("#signer-address").textContent()).toBe(manager.address)

    // Without the operator key: 401, nothing sent.
    const unauthorized = await submitForm(page, "#register-form", { service_id: REGISTERED, location: "http://10.9.8.7:8090", info: "" })
    expect(unauthorized).toContain("401 unauthorized")
    await page.fill("#operator-key", OPERATOR_KEY)

    // Bad input: 400 naming the field and the rule; the chain never hears of it.
    const bad = await submitForm(page, "#register-form", { service_id: REGISTERED, location: "10.9.8.7:8090", info: "" })
    expect(bad).toContain("400 invalid_request")
    expect(bad).toContain("[field: location]")
    expect(bad).toContain("[rule: an http(s) URL]")
    const notThere = await Effect.runPromise(Effect.result(getService(registry, REGISTERED)))
    expect(notThere._tag === "Failure" && notThere.failure._tag).toBe("UnknownService")

    // Register: confirmed on chain, listed on the page without a reload.
    const done = await submitForm(page, "#register-form", { service_id: REGISTERED, location: "http://10.9.8.7:8090", info: "registered from Chromium" })
    expect(done).toMatch(/^done: register in block \d+ \(tx 0x[0-9a-f]{64}\)$/)
    expect(await ok(getService(registry, REGISTERED))).toMatchObject({ location: "http://10.9.8.7:8090", epoch: 0n, info: "registered from Chromium", managers: [manager.address] })
    const row = page.locator(`#services-body tr[data-service="${REGISTERED}"]`)
    await row.waitFor({ timeout: 15_000 })
    expect(await row.textContent()).toContain("http://10.9.8.7:8090")
    // The replicated service, which the leader's watcher registered, is listed too.
    await page.locator(`#services-body tr[data-service="${SERVICE}"]`).waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
      const listed = await getJson<unknown>(`${host.url}/api/dashboard/services`)
      const onChain = await Effect.runPromise(Effect.result(getService(registry, SERVICE)))
      throw new Error(`${SERVICE} not listed on the page (${String(e)}); the API lists ${JSON.stringify(listed)}; on chain: ${onChain._tag}`)
    })

    // Its page: location, epoch, the gateway's key as manager; add a manager, then remove it.
    await row.locator("a").click()
    await page.waitForURL(`${host.url}/dashboard/services/${REGISTERED}`)
    expect(await page.locator("#location").textContent()).toBe("http://10.9.8.7:8090")
    expect(await page.locator("#epoch").textContent()).toBe("0")
    expect(await page.locator("#managers").textContent()).toContain(`${manager.address} (this gateway)`)
    const added = await submitForm(page, "#manager-form", { account: claimant.address })
    expect(added).toContain("done: add_manager")
    expect(await ok(isManager(registry, REGISTERED, claimant.address))).toBe(true)
    const claimantItem = page.locator(`#managers li[data-account="${claimant.address}"]`)
    await claimantItem.waitFor({ timeout: 15_000 })
    await claimantItem.locator("button").click()
    await textWhen(page, "#managers-result", (t) => t.startsWith("done: remove_manager"), 60_000)
    await claimantItem.waitFor({ state: "detached", timeout: 15_000 })
    expect(await ok(isManager(registry, REGISTERED, claimant.address))).toBe(false)

    // A service the gateway's key does not manage: 403 naming onlyManagers, nothing changed.
    await page.goto(`${host.url}/dashboard/services/${THEIRS}`)
    const refused = await submitForm(page, "#info-form", { info: "taken over" })
    expect(refused).toContain("403 not_manager")
    expect(refused).toContain("[rule: onlyManagers: only a manager of the service may update it]")
    expect((await ok(getService(registry, THEIRS))).info).toBe("not the gateway's")
    await page.close()
  })

  test("a failover moves the service's location on the open page, and a claim appears in the live feed", async () => {
    const first = await servingLeader(hosts)
    await waitForValue("the registry at the first leader", async () => {
      const r = await Effect.runPromise(Effect.result(getServiceLocation(registry, SERVICE)))
      return r._tag === "Success" && r.success.location === first.host.url && r.success.epoch === BigInt(first.epoch) ? r.success : undefined
    }, 30_000)

    // Watch from a host that survives.
    const observer = hosts.find((h) => h !== first.host)
    if (!observer) throw new Error("no observer")
    const page = await openPage(`${observer.url}/dashboard/services/${SERVICE}`)
    await page.fill("#operator-key", OPERATOR_KEY)
    expect(await page.locator("#location").textContent()).toBe(first.host.url)
    expect(await page.locator("#epoch").textContent()).toBe(String(first.epoch))
    await textWhen(page, "#leader-node", (t) => t === first.host.name)
    await textWhen(page, "#feed-state", (t) => t === "live")
    // Every replica with its LPI and lag, the leader marked.
    await waitForValue("three replica rows", async () => ((await page.locator("#replicas-body tr").count()) === 3 ? true : undefined), 15_000)
    expect(await page.locator(`#replicas-body tr[data-node="${first.host.name}"]`).textContent()).toContain("leader")
    expect(await page.locator("#replicas-body tr td:nth-child(4)").allTextContents()).toEqual(["0", "0", "0"])
    // The replica set the leader published in the registry (what the hedging clients read),
    // drawn by the page's refresh once the leader's write is mined.
    await waitForValue("the published replica set", async () => ((await page.locator("#members li").count()) === hosts.length ? true : undefined), 30_000)
    expect((await page.locator("#members li").allTextContents()).sort()).toEqual(hosts.map((h) => h.url).sort())
    // The first leader's location change is in the feed (after the registration's, at epoch 0).
    await page.locator(`#feed li[data-kind="location"]:has-text("${first.host.url} at epoch ${first.epoch}")`).waitFor({ timeout: 15_000 })

    // SIGKILL the leader: no resignation, its lease runs out, another replica takes over.
    const killedAt = performance.now()
    first.host.gw.proc.kill("SIGKILL")
    await first.host.gw.proc.exited
    const survivors = hosts.filter((h) => h !== first.host)
    const location = await textWhen(page, "#location", (t) => t !== first.host.url && survivors.some((s) => s.url === t), 60_000)
    const movedMs = Math.round(performance.now() - killedAt)
    const epoch = BigInt(await page.locator("#epoch").textContent() ?? "0")
    expect(epoch).toBeGreaterThan(BigInt(first.epoch))
    expect(await ok(getServiceLocation(registry, SERVICE))).toEqual({ location, epoch })
    const second = survivors.find((s) => s.url === location)
    if (!second) throw new Error(`no survivor at ${location}`)
    await textWhen(page, "#leader-node", (t) => t === second.name)
    await textWhen(page, "#registry-epoch", (t) => t === epoch.toString())
    await page.locator(`#feed li[data-kind="location"]:has-text("${location} at epoch ${epoch}")`).waitFor({ timeout: 15_000 })
    // The dead replica's LPI key goes with its lease.
    await waitForValue("two replica rows", async () => ((await page.locator("#replicas-body tr").count()) === 2 ? true : undefined), 15_000)

    // A claim from another account arrives over the live stream (the page is not reloaded).
    const claim = await ok(sendClaim(registry, claimant, SERVICE, location))
    const claimed = page.locator(`#feed li[data-kind="claim"]:has-text("${claimant.address}")`)
    await claimed.waitFor({ timeout: 30_000 })
    const text = (await claimed.textContent()) ?? ""
    expect(text).toContain(`${SERVICE}: ${claimant.address} claims ${location} does not answer`)
    expect(text).toContain(`block ${claim.blockNumber}`)
    expect(pageErrors).toEqual([])
    console.log(`dashboard e2e: ${first.host.name} (epoch ${first.epoch}) -> ${second.name} (epoch ${epoch}), the page showed the new location ${movedMs} ms after SIGKILL; claim in block ${claim.blockNumber}`)
    await page.close()
  })
})
