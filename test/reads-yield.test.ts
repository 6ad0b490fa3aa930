/**
 * Reads yield to a drain on the host's CPU, not only at the node: a gateway host with the
 * producer and consumer roles and `[reads].rate_while_draining = 20`, its own anvil, and
 * a storm of clients reading balances nobody else reads (each a node call of its own)
 * while 160 transfers drain. Judged from the answers themselves (status, headers,
 * results) and the host's metrics.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { Wallet } from "ethers"
import { metricSum, parseMetricsText } from "../bench/lib/gateway-under-test.ts"
import { ethTransfers, startFaultRun, submitAll, waitAllFinal, type FaultRun } from "./support/fault-run.ts"
import { post, waitUntil } from "./support/intake-client.ts"
import { withReadsKey } from "./support/read-proxy.ts"

/** Client read requests a second the host serves while it drains ([reads].rate_while_draining). */
const drainRate = 20
let run: FaultRun
let intake = ""

beforeAll(async () => {
  run = await startFaultRun({
    name: "reads-yield",
    ethSenders: 4,
    consumers: 0,
    btcCoins: 0,
    producerRoles: "producer,consumer",
    anvilMining: "auto",
    edit: (toml) => withReadsKey(toml, "rate_while_draining", String(drainRate)),
  })
  intake = run.intakes[0] ?? ""
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

/** One balance read through the gateway, with when it was answered and how long it waited behind a drain. */
const timedRead = async () => {
  const res = await post(intake, "/v1/rpc/ethereum", { jsonrpc: "2.0", id: 1, method: "eth_getBalance", params: [Wallet.createRandom().address, "latest"] })
  const body = (await res.json()) as { result?: unknown; error?: unknown; reason?: string }
  const deferred = res.headers.get("x-gateway-deferred-ms")
  return { at: performance.now(), status: res.status, body, deferredMs: deferred === null ? undefined : Number(deferred), retryAfter: res.headers.get("retry-after") }
}

/** The host's gateway_reads_deferred_total for `outcome`. */
const deferredCount = async (outcome: "waited" | "refused"): Promise<number> => {
  const samples = parseMetricsText(await (await fetch(`${intake}/metrics`)).text())
  return metricSum(samples, "gateway_reads_deferred_total", { outcome })
}

test(`while the host drains transfers, reads are held to ${drainRate} a second and the rest told to come back; then they go at once again`, async () => {
  // Not draining: a read goes at once.
  expect(await waitUntil(async () => (await timedRead()).deferredMs === undefined, 15_000, 200)).toBe(true)
  const waitedBefore = await deferredCount("waited")
  const transfers = ethTransfers(run, 40)
  const from = performance.now()
  const ids = await submitAll(intake, transfers)
  let drained = false
  const answers: Awaited<ReturnType<typeof timedRead>>[] = []
  // 60 clients, each reading a balance nobody else reads (a node call each, without the gate):
  // more than the 2 s of turns the gate hands out, so some are refused and come back after Retry-After.
  const clients = 60
  const storm = Array.from({ length: clients }, async () => {
    while (!drained) {
      const answer = await timedRead()
      answers.push(answer)
      if (answer.status === 503) await Bun.sleep(Number(answer.retryAfter ?? "1") * 1000)
    }
  })
  const final = await waitAllFinal("reads/yield", intake, ids, 180_000)
  const to = performance.now()
  drained = true
  await Promise.all(storm)
  expect(final).toBe(true)
  const served = answers.filter((a) => a.status === 200)
  const gated = served.filter((a) => a.deferredMs !== undefined)
  const refused = answers.filter((a) => a.status === 503)
  const span = gated.length < 2 ? 0 : ((gated[gated.length - 1]?.at ?? 0) - (gated[0]?.at ?? 0)) / 1000
  process.stderr.write(`reads: ${transfers.length} transfers final in ${((to - from) / 1000).toFixed(1)} s beside ${served.length} served reads, ${gated.length} of them in turns over ${span.toFixed(1)} s (${gated.filter((a) => (a.deferredMs ?? 0) > 0).length} waited), ${refused.length} refused\n`)
  // Turns are 1000 / rate ms apart, so over the span of the turned answers there were at
  // most span * rate + 1 turns, and at most every client's read was already admitted.
  expect(gated.length).toBeGreaterThan(0)
  expect(gated.length).toBeLessThanOrEqual(Math.ceil(span * drainRate) + 1 + clients)
  expect(gated.some((a) => (a.deferredMs ?? 0) > 0)).toBe(true)
  expect(served.every((a) => a.body.error === undefined && a.body.result === "0x0")).toBe(true)
  expect(refused.length).toBeGreaterThan(0)
  for (const r of refused) {
    expect(r.body).toMatchObject({ error: "overloaded", reason: "draining" })
    expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1)
  }
  expect(await deferredCount("waited")).toBeGreaterThan(waitedBefore)
  expect(await deferredCount("refused")).toBeGreaterThan(0)
  // Drained: within the hold, reads go at once again.
  expect(await waitUntil(async () => (await timedRead()).deferredMs === undefined, 15_000, 200)).toBe(true)
}, 300_000)
