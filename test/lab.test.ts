/**
 * The multi-host lab (scripts/lab), scaled down: a config of three hosts on
 * 10.77.200.0/24 (a broker host with ZooKeeper, Kafka, etcd and the consumer role, a
 * producer host, the Bitcoin host), brought up in network namespaces, reached from the
 * root namespace across the bridge (/readyz, one Bitcoin payment to a final status),
 * shown by `status`, and taken down: no namespace, link or process of the lab is left.
 * Needs root (network namespaces); skipped otherwise.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test"
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type TomlTable, tomlText } from "../bench/lib/gateway-under-test.ts"
import { ip, pidAlive } from "../bench/lib/netns.ts"
import { sampleAddresses } from "../src/intake/validate/sample-addresses.ts"

setDefaultTimeout(240_000)

const ROOT = join(import.meta.dir, "..")
const NET = "10.77.200"
const PREFIX = "gwl200"
const KEY = "lab-test-key"
const isRoot = process.getuid?.() === 0
if (!isRoot) console.log("[lab] skipped: the multi-host lab creates network namespaces and a bridge; run the tests as root")

/** paper.toml cut down to one broker host, one producer host and the Bitcoin host, on the test's /24. */
const smallConfig = (): string => {
  const paper = Bun.TOML.parse(readFileSync(join(ROOT, "config", "paper.toml"), "utf8")) as TomlTable
  const table = (v: unknown) => v as TomlTable
  const kafka = table(paper.kafka)
  const nodes = (paper.nodes as ReadonlyArray<TomlTable>).map((n) => ({ ...n, url: `http://${NET}.21:8332` }))
  const config: TomlTable = {
    ...paper,
    kafka: { ...kafka, brokers: [`${NET}.11:9092`], topics: { ...table(kafka.topics), replication_factor: 1, min_insync_replicas: 1 } },
    etcd: { ...table(paper.etcd), endpoints: [`http://${NET}.11:2379`] },
    registry: { ...table(paper.registry), rpc_url: `http://${NET}.30:8545` },
    nodes,
    hosts: [
      { name: "broker-1", address: `${NET}.11`, roles: ["consumer"], services: ["kafka-broker", "zookeeper", "etcd"], nodes: ["btc-1"] },
      { name: "producer-1", address: `${NET}.41`, roles: ["producer"], services: [], nodes: [] },
      { name: "bitcoin-1", address: `${NET}.21`, roles: [], services: ["bitcoin-node"], nodes: [] },
    ],
  }
  return tomlText(config)
}

const dir = mkdtempSync(join(tmpdir(), "lab-test-"))
const configPath = join(dir, "lab-small.toml")
const runDir = "/tmp/gateway-lab/lab-small"

const lab = (command: string, timeoutMs: number) => {
  const started = Date.now()
  const r = Bun.spawnSync(["bash", join(ROOT, "scripts", "lab"), command, configPath], {
    cwd: ROOT,
    env: { ...process.env, GATEWAY_API_KEYS: KEY },
    stdout: "pipe",
    stderr: "pipe",
    timeout: timeoutMs,
  })
  const out = r.stdout.toString()
  const err = r.stderr.toString()
  console.log(`[lab] scripts/lab ${command}: exit ${r.exitCode} in ${Math.round((Date.now() - started) / 1000)} s\n${err.trim()}${out === "" ? "" : `\n${out.trim()}`}`)
  return { code: r.exitCode, out, err }
}

/** Namespaces and links of the lab that still exist. */
const leftovers = (): string[] => {
  const names = [...ip(["netns", "list"]).out.split("\n").map((l) => l.split(" ")[0] ?? ""), ...ip(["-o", "link", "show"]).out.split("\n").map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1] ?? "")]
  return names.filter((n) => n.startsWith(PREFIX))
}

/** Every pid the lab recorded: its own pid files and those scripts/stack kept on the Bitcoin host. */
const recordedPids = (): number[] =>
  [join(runDir, "pids"), join(runDir, "hosts", "bitcoin-1", "pids")].flatMap((d) => {
    try {
      return readdirSync(d).map((f) => Number(readFileSync(join(d, f), "utf8").trim()))
    } catch {
      return []
    }
  })

const api = (path: string, init: RequestInit = {}) =>
  fetch(`http://${NET}.41:8080${path}`, { ...init, headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json", ...init.headers }, signal: AbortSignal.timeout(10_000) })

describe.skipIf(!isRoot)("multi-host lab", () => {
  afterAll(() => {
    if (leftovers().length > 0) lab("down", 90_000)
  })

  test("comes up from one config, carries a payment across the bridge, and goes down leaving nothing", async () => {
    writeFileSync(configPath, smallConfig())
    // A lab an earlier run left up (its process killed before afterAll) goes first.
    if (leftovers().length > 0) expect(lab("down", 90_000).code).toBe(0)
    const up = lab("up", 200_000)
    expect(up.code).toBe(0)
    expect(leftovers().sort()).toEqual([`${PREFIX}-bitcoin-1`, `${PREFIX}-broker-1`, `${PREFIX}-producer-1`, `${PREFIX}br`, `${PREFIX}h0`, `${PREFIX}h1`, `${PREFIX}h2`].sort())

    // The producer's intake, from the root namespace through the bridge.
    const ready = await api("/readyz")
    expect(ready.status).toBe(200)
    const sent = await api("/v1/requests", { method: "POST", body: JSON.stringify({ chain: "bitcoin", method: "sendtoaddress", params: { address: sampleAddresses("simnet").p2wpkh, amount: "0.001" } }) })
    expect(sent.status).toBe(202)
    const { id } = (await sent.json()) as { id: string }
    const t0 = Date.now()
    let status = "accepted"
    while (!["confirmed", "failed", "dlq", "cancelled"].includes(status) && Date.now() - t0 < 60_000) {
      await Bun.sleep(500)
      const r = await api(`/v1/requests/${id}`)
      if (r.status === 200) status = ((await r.json()) as { status: string }).status
    }
    console.log(`[lab] request ${id}: ${status} after ${Date.now() - t0} ms`)
    expect(status).toBe("confirmed")

    const status_ = lab("status", 60_000)
    expect(status_.code).toBe(0)
    expect(status_.out).toContain("/readyz 200")

    const pids = recordedPids()
    expect(pids.length).toBeGreaterThanOrEqual(7)
    const down = lab("down", 90_000)
    expect(down.code).toBe(0)
    expect(leftovers()).toEqual([])
    expect(pids.filter(pidAlive)).toEqual([])
  })
})
