/**
 * Readiness follows what the host's roles can do (issue 12): a compiled gateway with the
 * producer and consumer roles runs against a private single-broker Kafka (never the
 * shared stack's brokers, which other runs use). With the broker up, `/readyz` is 200
 * with "producer.kafka" and "consumer.group" ok; once the broker is stopped it turns 503
 * naming both checks and why; once the broker is back it is 200 again. The private
 * broker's cluster id begins with '-', so its start also proves such an id formats and runs.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { type PrivateGateway, startPrivateGateway } from "./support/private-gateway.ts"

interface CheckRow { readonly name: string; readonly state: "ok" | "failing"; readonly since: string; readonly reason?: string }
interface ReadyBody { readonly status: string; readonly failing?: readonly string[]; readonly checks: readonly CheckRow[] }
interface Seen { readonly at: number; readonly code: number; readonly body: ReadyBody }

describe("/readyz follows the Kafka cluster (private broker)", () => {
  let env: PrivateGateway | undefined
  const seen: Seen[] = []

  const readyz = async (): Promise<Seen> => {
    const res = await fetch(`${env?.url}/readyz`, { signal: AbortSignal.timeout(2000) })
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
      const gw = env?.gw
      if (gw !== undefined && gw.proc.exitCode !== null) throw new Error(`the gateway exited (${gw.proc.exitCode}) while waiting for ${what}:\n${gw.stderrText().slice(-3000)}`)
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; last answers: ${JSON.stringify(seen.slice(-3))}`)
      await Bun.sleep(250)
    }
  }
  const check = (s: Seen, name: string) => s.body.checks.find((c) => c.name === name)

  beforeAll(async () => {
    env = await startPrivateGateway({ name: "setup", clusterId: "-0J7-eM4-gRqGHJ60kv-3Q", roles: ["producer", "consumer"], groupId: "setup-readiness", apiKey: "setup-readiness-key" })
  }, 240_000)
  afterAll(() => env?.dispose(), 60_000)

  test("200 with every check ok, 503 naming producer.kafka and consumer.group once the broker stops, 200 once it is back", async () => {
    const up = await until("200", (s) => s.code === 200, 30_000)
    expect(up.body.status).toBe("ready")
    expect(up.body.checks.map((c) => [c.name, c.state])).toEqual([["consumer.group", "ok"], ["producer.kafka", "ok"]])

    const stoppedAt = Date.now()
    await env?.kafka.stop()
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
    await env?.kafka.start()
    const brokerBackMs = Date.now() - restartAt
    const back = await until("200 again", (s) => s.code === 200, 90_000)
    const recoverMs = back.at - restartAt
    expect(back.body.checks.every((c) => c.state === "ok")).toBe(true)
    console.log(JSON.stringify({ brokerGoneMs, producerFlipMs, groupFlipMs, brokerBackMs, recoverMs, producerReason: check(down, "producer.kafka")?.reason, groupReason: check(groupDown, "consumer.group")?.reason }))
  }, 300_000)
})
