/**
 * Bad input against the real intake (compiled binary, real Kafka): every malformed request
 * gets a 4xx naming the field and the rule, and `sendto` is read back to show that not one
 * of them was enqueued. Also: a missing API key is 401, an oversized body 413, and a
 * repeated Idempotency-Key gives one id and one transfer on chain.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { rmSync } from "node:fs"
import { malformedRequests } from "../src/intake/malformed-cases.fixture.ts"
import { btc, topicMessageCount } from "./support/chain-clients.ts"
import { isolatedCopy, runTopics, stackEnv, startGateway, type GatewayProcess } from "./support/gateway-process.ts"
import { apiKey, get, post, waitUntil } from "./support/intake-client.ts"

const intake = "http://127.0.0.1:8080"
let dir = ""
let gw: GatewayProcess

beforeAll(async () => {
  dir = isolatedCopy(["config/local.toml"])
  gw = startGateway(dir, ["--config", "local.toml", "--host", "local", "--role", "producer,consumer"], stackEnv())
  await gw.waitFor((l) => l.event === "gateway.ready", 90_000)
})

afterAll(async () => {
  const stopAt = Date.now()
  if (gw && gw.proc.exitCode === null) gw.proc.kill("SIGTERM")
  expect(await gw?.proc.exited).toBe(0)
  process.stderr.write(`intake-rejects: the gateway drained in ${Date.now() - stopAt} ms\n`)
  if (dir) rmSync(dir, { recursive: true, force: true })
}, 30_000)

describe("the real intake refuses bad input and enqueues nothing", () => {
  test(`${malformedRequests.length} malformed requests each get a 400 naming the field and rule; sendto is unchanged`, async () => {
    expect(malformedRequests.length).toBeGreaterThanOrEqual(40)
    const before = await topicMessageCount(runTopics.requests)
    for (const [name, body, field, rule] of malformedRequests) {
      const res = await post(intake, "/v1/requests", body)
      const answer = (await res.json()) as { field?: string; rule?: string; message?: string }
      expect({ name, status: res.status, field: answer.field, rule: answer.rule }).toEqual({ name, status: 400, field, rule })
      expect(answer.message).toContain(field)
    }
    // A body nested past the depth limit: refused before parsing (it answered 500 once).
    const deep = await fetch(`${intake}/v1/requests`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` }, body: `${"[".repeat(100_000)}${"]".repeat(100_000)}` })
    expect([deep.status, ((await deep.json()) as { rule?: string }).rule]).toEqual([400, "nesting depth at most 32"])
    // A batch with one bad item is refused whole.
    const good = { chain: "bitcoin", method: "sendtoaddress", params: { address: String(await btc("getnewaddress")), amount: "0.1" } }
    const batch = await post(intake, "/v1/batches", { requests: [good, good, { ...good, params: { ...good.params, amount: "-1" } }] })
    expect(batch.status).toBe(400)
    expect(((await batch.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe("requests[2].params.amount")
    // No key, a wrong key, a body over the limit.
    expect((await fetch(`${intake}/v1/requests`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(good) })).status).toBe(401)
    expect((await post(intake, "/v1/requests", good, { authorization: "Bearer not-a-key" })).status).toBe(401)
    const huge = { requests: Array.from({ length: 200_000 }, () => good) }
    expect((await post(intake, "/v1/batches", huge)).status).toBe(413)
    expect(await topicMessageCount(runTopics.requests)).toBe(before)
  }, 120_000)

  test("a repeated Idempotency-Key returns the first id and makes one transfer", async () => {
    const address = String(await btc("getnewaddress"))
    const body = { chain: "bitcoin", method: "sendtoaddress", params: { address, amount: "0.4242" } }
    const key = { "idempotency-key": `test-${crypto.randomUUID()}` }
    const first = await post(intake, "/v1/requests", body, key)
    expect(first.status).toBe(202)
    const id = ((await first.json()) as { id: string }).id
    await waitUntil(async () => (await get(intake, `/v1/requests/${id}`)).status === 200, 10_000, 100)
    const repeats = await Promise.all(Array.from({ length: 5 }, () => post(intake, "/v1/requests", body, key)))
    for (const r of repeats) {
      expect(r.status).toBe(200)
      expect(((await r.json()) as { id: string }).id).toBe(id)
    }
    const reused = await post(intake, "/v1/requests", { ...body, params: { ...body.params, amount: "0.5" } }, key)
    expect(reused.status).toBe(422)
    expect(await waitUntil(async () => (await get(intake, `/v1/requests/${id}`)).body.status === "confirmed", 60_000)).toBe(true)
    const sends = ((await btc("listtransactions", ["*", 20_000])) as Array<{ category: string; address?: string }>)
      .filter((t) => t.category === "send" && t.address === address)
    expect(sends.length).toBe(1)
  }, 120_000)
})
