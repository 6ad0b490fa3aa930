/**
 * Integration smoke test of the compiled binary against the real local stack (3 Kafka
 * brokers, 3 etcd members, anvil, btcd + btcwallet): every actor of every role reports
 * started on one host, the intake answers, and SIGTERM drains the tree and exits 0.
 * The binary runs from a temp folder with node_modules out of reach, which proves it is
 * self-contained (etcd3's .proto files included).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { rmSync } from "node:fs"
import { isolatedCopy, runBinary, stackEnv, startGateway, type GatewayProcess } from "./support/gateway-process.ts"

const expectedActors = [
  "host:local/replica",
  "host:local/replica-http",
  "host:local/registry-watcher",
  "host:local/consumer/node-throttler:btc-1",
  "host:local/consumer/node-throttler:eth-1",
  "host:local/consumer/partition-consumer",
  "host:local/consumer",
  "host:local/status-view",
  "host:local/throttle-reporter",
  "host:local/status-sampler",
  "host:local/throttle-report-reader",
  "host:local/producer",
]

describe("compiled gateway on the real stack", () => {
  let dir = ""
  let gw: GatewayProcess
  beforeAll(() => {
    dir = isolatedCopy(["config/local.toml", "config/paper.toml"])
  })
  afterAll(() => {
    if (gw && gw.proc.exitCode === null) gw.proc.kill("SIGKILL")
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test("config check of the paper layout names 3 broker/consumer, 5 producer and 1 bitcoin node hosts", async () => {
    const { code, stdout } = await runBinary(dir, ["config", "check", "paper.toml"])
    expect(code).toBe(0)
    expect(stdout).toContain("3 broker/consumer hosts")
    expect(stdout).toContain("5 producer hosts")
    expect(stdout).toContain("1 bitcoin node host")
  })

  test("every actor reports started, the intake is ready, and SIGTERM drains to exit 0", async () => {
    gw = startGateway(dir, ["--config", "local.toml", "--host", "local"], stackEnv())
    const ready = await gw.waitFor((l) => l.event === "gateway.ready", 90_000)
    // A child whose first start failed (a topic created a moment ago) reports "restarted" when it comes up.
    // The children that only feed the operations page start just after the ready line.
    const startedLine = (path: string) => (l: { event?: unknown; path?: unknown }) =>
      (l.event === "runtime.child.started" || l.event === "runtime.child.restarted") && l.path === path
    for (const path of expectedActors) await gw.waitFor(startedLine(path), 10_000)
    const started = new Set(gw.lines.filter((l) => l.event === "runtime.child.started" || l.event === "runtime.child.restarted").map((l) => String(l.path)))
    for (const path of expectedActors) expect(started).toContain(path)
    expect(Number(ready.ms_since_start)).toBeGreaterThan(0)

    const health = await fetch("http://127.0.0.1:8080/readyz")
    expect(health.status).toBe(200)
    const metrics = await (await fetch("http://127.0.0.1:8080/metrics")).text()
    expect(metrics).toContain("gateway_kafka_brokers 3")

    gw.proc.kill("SIGTERM")
    const code = await gw.proc.exited
    expect(code).toBe(0)
    const stopped = new Set(gw.lines.filter((l) => l.event === "runtime.child.stopped").map((l) => String(l.path)))
    for (const path of expectedActors) expect(stopped).toContain(path)
    // Reverse order: the intake stops before the consumers, the replica last.
    const order = gw.lines.filter((l) => l.event === "runtime.child.stopped").map((l) => String(l.path))
    expect(order.indexOf("host:local/producer")).toBeLessThan(order.indexOf("host:local/consumer"))
    expect(order.indexOf("host:local/consumer")).toBeLessThan(order.indexOf("host:local/replica"))
    expect(gw.stderrText()).toContain("drained; exiting 0")
  })
})
