/**
 * Readiness follows what the host's roles can do (issue 12): a compiled gateway with the
 * producer and consumer roles runs against a private single-broker Kafka (never the
 * shared stack's brokers, which other runs use). With the broker up, `/readyz` is 200
 * with "producer.kafka" and "consumer.group" ok; once the broker is stopped it turns 503
 * naming both checks and why; once the broker is back it is 200 again. The private
 * broker's cluster id begins with '-', so its start also proves such an id formats and runs.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { type GatewayProcess, isolatedCopy, repoRoot, startGateway } from "./support/gateway-process.ts"
import { type PrivateKafka, startPrivateKafka } from "./support/private-kafka.ts"
import { freePort } from "./support/replica-hosts-config.ts"

interface CheckRow { readonly name: string; readonly state: "ok" | "failing"; readonly since: string; readonly reason?: string }
interface ReadyBody { readonly status: string; readonly failing?: readonly string[]; readonly checks: readonly CheckRow[] }
interface Seen { readonly at: number; readonly code: number; readonly body: ReadyBody }

/**
 * config/local.toml on the private broker: replication 1, this test's intake port, one
 * producer+consumer host. The consumer role needs a node; eth-1 (the shared anvil) is
 * named, but no request is sent, so nothing reaches it.
 */
const privateConfig = (broker: string, intakePort: number): string => {
  let text = readFileSync(join(repoRoot, "config/local.toml"), "utf8")
  const set = (from: RegExp, to: string) => {
    if (!from.test(text)) throw new Error(`test fixture: ${from} is not in local.toml`)
    text = text.replace(from, to)
  }
  set(/^brokers = \[[^\]]*\]/m, `brokers = ["${broker}"]`)
  set(/^partitions = \d+/m, "partitions = 3")
  set(/^replication_factor = \d+/m, "replication_factor = 1")
  set(/^min_insync_replicas = \d+/m, "min_insync_replicas = 1")
  set(/^group_id = "[^"]*"/m, 'group_id = "setup-readiness"')
  set(/^listen = "127\.0\.0\.1:8080"/m, `listen = "127.0.0.1:${intakePort}"`)
  text = text.slice(0, text.indexOf("[[hosts]]"))
  return `${text}[[hosts]]\nname = "local"\naddress = "127.0.0.1"\nroles = ["producer", "consumer"]\nservices = []\nnodes = ["eth-1"]\n`
}

describe("/readyz follows the Kafka cluster (private broker)", () => {
  let kafka: PrivateKafka | undefined
  let gw: GatewayProcess | undefined
  let dir = ""
  let url = ""
  const seen: Seen[] = []

  const readyz = async (): Promise<Seen> => {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) })
    const s = { at: Date.now(), code: res.status, body: (await res.json()) as ReadyBody }
    seen.push(s)
    return s
  }
  /** Polls every 250 ms until `accept` holds; fails with the last answers after `timeoutMs`. */
  const until = async (what: string, accept: (s: Seen) => boolean, timeoutMs: number): Promise<Seen> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const s = await readyz().catch(() => undefined)
      if (s !== undefined && accept(s)) return s
      if (gw?.proc.exitCode !== null) throw new Error(`the gateway exited (${gw?.proc.exitCode}) while waiting for ${what}:\n${gw?.stderrText().slice(-3000)}`)
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; last answers: ${JSON.stringify(seen.slice(-3))}`)
      await Bun.sleep(250)
    }
  }
  const check = (s: Seen, name: string) => s.body.checks.find((c) => c.name === name)

  beforeAll(async () => {
    kafka = await startPrivateKafka("setup", { clusterId: "-0J7-eM4-gRqGHJ60kv-3Q" })
    dir = isolatedCopy([])
    const port = freePort()
    url = `http://127.0.0.1:${port}`
    writeFileSync(join(dir, "private.toml"), privateConfig(kafka.broker, port))
    gw = startGateway(dir, ["--config", "private.toml", "--host", "local"], { GATEWAY_API_KEYS: "setup-readiness-key" })
    const exited = gw.proc.exited.then((code) => Promise.reject(new Error(`the gateway exited (${code}) before it was ready:\n${gw?.stderrText().slice(-3000)}`)))
    await Promise.race([gw.waitFor((l) => l.event === "gateway.ready", 120_000), exited])
  }, 240_000)

  afterAll(async () => {
    if (gw && gw.proc.exitCode === null) {
      gw.proc.kill("SIGTERM")
      await Promise.race([gw.proc.exited, Bun.sleep(20_000)])
      if (gw.proc.exitCode === null) gw.proc.kill("SIGKILL")
    }
    await kafka?.dispose()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  test("200 with every check ok, 503 naming producer.kafka and consumer.group once the broker stops, 200 once it is back", async () => {
    const up = await until("200", (s) => s.code === 200, 30_000)
    expect(up.body.status).toBe("ready")
    expect(up.body.checks.map((c) => [c.name, c.state])).toEqual([["consumer.group", "ok"], ["producer.kafka", "ok"]])

    const stoppedAt = Date.now()
    await kafka?.stop()
    const brokerGoneMs = Date.now() - stoppedAt
    const down = await until("503 naming producer.kafka", (s) => s.code === 503 && s.body.failing?.includes("producer.kafka") === true, 30_000)
    const producerFlipMs = down.at - stoppedAt
    expect(down.body.status).toBe("not ready")
    expect(check(down, "producer.kafka")?.reason).toContain("Kafka")
    expect(Date.parse(check(down, "producer.kafka")?.since ?? "")).toBeGreaterThanOrEqual(stoppedAt - 1000)
    const groupDown = await until("503 naming consumer.group", (s) => s.code === 503 && s.body.failing?.includes("consumer.group") === true, 30_000)
    const groupFlipMs = groupDown.at - stoppedAt
    expect(check(groupDown, "consumer.group")?.reason).toContain("consumer")

    const restartAt = Date.now()
    await kafka?.start()
    const brokerBackMs = Date.now() - restartAt
    const back = await until("200 again", (s) => s.code === 200, 90_000)
    const recoverMs = back.at - restartAt
    expect(back.body.checks.every((c) => c.state === "ok")).toBe(true)
    console.log(JSON.stringify({ brokerGoneMs, producerFlipMs, groupFlipMs, brokerBackMs, recoverMs, producerReason: check(down, "producer.kafka")?.reason, groupReason: check(groupDown, "consumer.group")?.reason }))
  }, 300_000)
})
