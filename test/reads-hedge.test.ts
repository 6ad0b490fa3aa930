/**
 * Hedged reads on the real stack: two Ethereum nodes (two counting proxies in front of
 * the run's one anvil, so their answers agree), `[reads].hedge = true`. Once the pool's
 * latency is known, eth-1 is made slow; every read that goes to it first is also sent to
 * eth-2 after the pool's p95, and eth-2's answer comes back long before eth-1's would.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { Wallet } from "ethers"
import { metricSum, parseMetricsText } from "../bench/lib/gateway-under-test.ts"
import { startFaultRun, type FaultRun } from "./support/fault-run.ts"
import { post } from "./support/intake-client.ts"
import { proxiedEthNodes, type ReadProxy, withReadsKey } from "./support/read-proxy.ts"

let run: FaultRun
let proxies: readonly ReadProxy[] = []
let intake = ""
const slowMs = 1500

beforeAll(async () => {
  run = await startFaultRun({
    name: "reads-hedge",
    ethSenders: 1,
    consumers: 0,
    btcCoins: 0,
    producerRoles: "producer,consumer",
    anvilMining: "auto",
    edit: (toml) => {
      const proxied = proxiedEthNodes(toml, 2)
      proxies = proxied.proxies
      return withReadsKey(proxied.text, "hedge", "true")
    },
  })
  intake = run.intakes[0] ?? ""
}, 180_000)

afterAll(async () => {
  await run?.stop()
  for (const p of proxies) p.stop()
}, 120_000)

const read = async (who: string) => {
  const started = performance.now()
  const res = await post(intake, "/v1/rpc/ethereum", { jsonrpc: "2.0", id: 1, method: "eth_getBalance", params: [who, "latest"] })
  const body = (await res.json()) as { result?: string }
  return { ms: performance.now() - started, result: body.result, node: res.headers.get("x-gateway-node"), hedged: res.headers.get("x-gateway-hedged") }
}

test("a read slower than the pool's p95 is also sent to a second node, whose answer wins", async () => {
  // Enough reads for the pool's p95 to mean something; every one is a node call of its own.
  for (let i = 0; i < 80; i++) expect((await read(Wallet.createRandom().address)).result).toBe("0x0")
  const [one] = proxies as [ReadProxy, ReadProxy]
  one.delay("eth_getBalance", slowMs)
  const answers: Awaited<ReturnType<typeof read>>[] = []
  for (let i = 0; i < 10; i++) answers.push(await read(Wallet.createRandom().address))
  one.delay("eth_getBalance", 0)
  process.stderr.write(`reads-hedge: ${answers.map((a) => `${a.node}/${a.hedged}/${Math.round(a.ms)}ms`).join(" ")}\n`)
  expect(answers.every((a) => a.result === "0x0")).toBe(true)
  // Idle nodes tie and the tie goes to eth-1 (by name), so most reads try the slow node
  // first and are hedged; one may find eth-1 busy (the head follower, a hedged call still
  // leaving) and go to eth-2 at once. Either way no answer waits for the slow node.
  expect(answers.every((a) => a.node === "eth-2")).toBe(true)
  const hedged = answers.filter((a) => a.hedged === "true").length
  expect(hedged).toBeGreaterThanOrEqual(5)
  expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(slowMs)
  const samples = parseMetricsText(await (await fetch(`${intake}/metrics`)).text())
  expect(metricSum(samples, "gateway_reads_hedged_total", { chain: "ethereum" })).toBeGreaterThanOrEqual(hedged)
}, 120_000)
