/**
 * The node is protected: a counting proxy sits between the gateway and anvil and records
 * how many calls are open at once. Eight senders' transfers arrive together (eight keys
 * could run in parallel), and the node must never see more than its configured cap.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { anvilAccounts } from "./support/chain-clients.ts"
import { isolatedCopy, stackEnv, startGateway, type GatewayProcess } from "./support/gateway-process.ts"
import { get, post, waitUntil } from "./support/intake-client.ts"

const intake = "http://127.0.0.1:8080"
const cap = 3
/** How long the proxy holds each call before passing it on. */
const callMs = 15
let open = 0
let peak = 0
let calls = 0
// JSON-RPC requests inside those HTTP calls: a batch (a run's broadcasts, the tracker's block reads) is one call of many requests.
let rpcRequests = 0
const sends = { count: 0 }
const proxy = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: async (req) => {
    open += 1
    calls += 1
    peak = Math.max(peak, open)
    try {
      const body = await req.text()
      const parsed = JSON.parse(body) as { method?: string } | Array<{ method?: string }>
      const items = Array.isArray(parsed) ? parsed : [parsed]
      rpcRequests += items.length
      sends.count += items.filter((r) => r.method === "eth_sendRawTransaction").length
      // Each call takes at least this long, as a remote node's would, so the gateway's
      // parallel senders overlap and reach the cap (on a loaded CI machine anvil's sub-ms
      // answers once left the peak at 2 of 3, and the check that the cap was reached failed).
      await Bun.sleep(callMs)
      const upstream = await fetch("http://127.0.0.1:8545", { method: "POST", headers: { "content-type": "application/json" }, body })
      return new Response(await upstream.text(), { status: upstream.status, headers: { "content-type": "application/json" } })
    } finally {
      open -= 1
    }
  },
})

let dir = ""
let gw: GatewayProcess
beforeAll(async () => {
  dir = isolatedCopy(["config/local.toml"])
  const file = join(dir, "local.toml")
  const text = readFileSync(file, "utf8")
  const eth = text.indexOf('name = "eth-1"')
  const section = text.slice(eth)
  const edited = section
    .replace('url = "http://127.0.0.1:8545"', `url = "http://127.0.0.1:${proxy.port}"`)
    .replace(/max_in_flight = \d+/, `max_in_flight = ${cap}`)
  expect(edited).not.toBe(section)
  writeFileSync(file, text.slice(0, eth) + edited)
  gw = startGateway(dir, ["--config", "local.toml", "--host", "local", "--role", "producer,consumer"], stackEnv())
  await gw.waitFor((l) => l.event === "gateway.ready", 90_000)
})

afterAll(async () => {
  if (gw && gw.proc.exitCode === null) gw.proc.kill("SIGTERM")
  expect(await gw?.proc.exited).toBe(0)
  proxy.stop(true)
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test(`anvil never sees more than ${cap} calls at once from the gateway`, async () => {
  const senders = anvilAccounts.slice(1, 9)
  const requests = Array.from({ length: 400 }, (_, i) => ({
    chain: "ethereum", method: "transfer", params: { from: senders[i % senders.length], to: anvilAccounts[9], value: String(7 + i) },
  }))
  const res = await post(intake, "/v1/batches", { requests })
  expect(res.status).toBe(202)
  const batch = ((await res.json()) as { batch_id: string }).batch_id
  const done = await waitUntil(async () => {
    const { body } = await get(intake, `/v1/batches/${batch}?limit=1`)
    return (body.counts as Record<string, number> | undefined)?.confirmed === 400
  }, 180_000)
  expect(done).toBe(true)
  // The traffic went through the proxy: every transfer's broadcast at least. A JSON-RPC batch
  // (the tracker's block reads when it is more than a block behind) is one call against the cap;
  // with the stack's block a second the tracker seldom falls behind, so batches are not required.
  process.stderr.write(`node-cap: ${calls} HTTP calls carried ${rpcRequests} JSON-RPC requests (${sends.count} eth_sendRawTransaction); at most ${peak} at once\n`)
  expect(sends.count).toBeGreaterThanOrEqual(400)
  expect(rpcRequests).toBeGreaterThanOrEqual(calls)
  expect(peak).toBeLessThanOrEqual(cap)
  expect(peak).toBe(cap)
}, 240_000)
