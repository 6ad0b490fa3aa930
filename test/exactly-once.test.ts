/**
 * Paper A end to end on the real stack, from the compiled binary: 1,000 Bitcoin transfers
 * and 1,000 Ethereum transfers go in through the HTTP intake and take effect exactly once,
 * while a consumer host is killed with SIGKILL every 3 seconds and restarted. The
 * chains are the judge: every request's transaction is on chain once, and nothing else.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { rmSync } from "node:fs"
import { anvilAccounts, btc, ethRpc } from "./support/chain-clients.ts"
import { isolatedCopy, keepGatewayLogs, stackEnv, startGateway, type GatewayProcess } from "./support/gateway-process.ts"
import { get, post, waitUntil } from "./support/intake-client.ts"

const intake = "http://127.0.0.1:8080"
const perChain = 1000
const batchSize = 250
const senders = anvilAccounts.slice(1, 9)

let dir = ""
let producer: GatewayProcess
const consumers: GatewayProcess[] = []
const startConsumer = () => startGateway(dir, ["--config", "local.toml", "--host", "local", "--role", "consumer"], stackEnv())

beforeAll(async () => {
  dir = isolatedCopy(["config/local.toml"])
  producer = startGateway(dir, ["--config", "local.toml", "--host", "local", "--role", "producer"], stackEnv())
  await producer.waitFor((l) => l.event === "gateway.ready", 90_000)
  for (let i = 0; i < 2; i++) consumers.push(startConsumer())
  await Promise.all(consumers.map((c) => c.waitFor((l) => l.event === "gateway.ready", 90_000)))
})

afterAll(async () => {
  if (process.env.KEEP_TEST_LOGS) process.stderr.write(`gateway logs kept in ${dir}/logs\n`)
  const all = [producer, ...consumers].filter((p) => p !== undefined)
  for (const p of all) if (p.proc.exitCode === null) p.proc.kill("SIGTERM")
  const forced = setTimeout(() => all.forEach((p) => p.proc.kill("SIGKILL")), 30_000)
  const codes = await Promise.all(all.map((p) => p.proc.exited))
  clearTimeout(forced)
  // Every survivor drains on SIGTERM and exits 0.
  expect(codes.every((c) => c === 0)).toBe(true)
  // The gateways' logs outlive the run (in the checkout's .run/, which git ignores), so a stall can be read afterwards.
  if (dir) process.stderr.write(`exactly-once: gateway logs copied to ${keepGatewayLogs(dir, `exactly-once-${Date.now().toString(36)}`)}\n`)
  if (dir && !process.env.KEEP_TEST_LOGS) rmSync(dir, { recursive: true, force: true })
})

/** Submits `bodies` in batches and returns the batch ids. */
const submit = async (bodies: readonly unknown[]) => {
  const ids: string[] = []
  for (let i = 0; i < bodies.length; i += batchSize) {
    const res = await post(intake, "/v1/batches", { requests: bodies.slice(i, i + batchSize) })
    expect(res.status).toBe(202)
    ids.push(String(((await res.json()) as { batch_id: string }).batch_id))
  }
  return ids
}

const finalCount = async (batchIds: readonly string[]) => {
  let n = 0
  for (const id of batchIds) {
    const { status, body } = await get(intake, `/v1/batches/${id}?limit=1`)
    if (status !== 200) continue
    const counts = body.counts as Record<string, number>
    n += (counts.confirmed ?? 0) + (counts.failed ?? 0) + (counts.dlq ?? 0)
  }
  return n
}

/** Each batch that is not all final, with its position and its counts by status. */
const unfinishedBatches = async (batchIds: readonly string[]) => {
  const parts: string[] = []
  for (const [i, id] of batchIds.entries()) {
    const { status, body } = await get(intake, `/v1/batches/${id}?limit=1`)
    if (status !== 200) {
      parts.push(`#${i} ${id}: HTTP ${status}`)
      continue
    }
    const counts = body.counts as Record<string, number>
    const final = (counts.confirmed ?? 0) + (counts.failed ?? 0) + (counts.dlq ?? 0)
    if (final !== body.total) parts.push(`#${i} ${id}: ${JSON.stringify(counts)}`)
  }
  return parts.join("; ")
}

/** Creates a wallet account, pays it `btcAmount` from the default account, and returns one of its addresses. */
const fundAccount = async (account: string, btcAmount: number) => {
  await btc("createnewaccount", [account])
  const address = String(await btc("getnewaddress", [account]))
  await btc("sendfrom", ["default", address, btcAmount, 0])
  expect(await waitUntil(async () => Number(await btc("getbalance", [account, 0])) >= btcAmount, 30_000, 200)).toBe(true)
  return address
}

/**
 * How often a consumer is killed in the crashing run: 3 s, so that at least 8 kills land
 * while work is in flight (at 5 s, once the Bitcoin lane drained faster, a run finished
 * in 35 s after 6).
 */
const killEveryMs = 3_000

/**
 * Sends `perChain` transfers on each chain and checks the chains. With `kills`, a consumer
 * is killed every `killEveryMs` (at most `kills.max` times) until every request is final,
 * and the run counts only if at least `kills.min` kills landed while work was in flight:
 * the pipeline's speed decides how many fit, so the count is a floor, not an exact number.
 */
const runAndVerify = async (label: string, killPlan: { min: number; max: number }) => {
  const maxKills = killPlan.max
  // A wallet account of its own per run, as paper A's sendfrom("company", …): the run's
  // sends are the account's only sends.
  const account = `eo-${label}-${Date.now()}`
  const target = await fundAccount(account, 20)
  // Unique amounts: a duplicate transfer would show up as the same amount twice.
  const amounts = Array.from({ length: perChain }, (_, i) => (0.001 + i * 1e-8).toFixed(8))
  const btcBodies = amounts.map((amount) => ({ chain: "bitcoin", method: "sendfrom", params: { account, address: target, amount } }))
  // Unique values per run: a duplicate would show up as the same value twice on chain.
  const valueBase = 1_000_000 + Math.floor(Math.random() * 1_000_000_000) * 10_000
  const values = Array.from({ length: perChain }, (_, i) => String(valueBase + i))
  const firstBlock = Number(await ethRpc("eth_blockNumber")) + 1
  const ethBodies = values.map((value, i) => ({
    chain: "ethereum", method: "transfer",
    params: { from: senders[i % senders.length], to: anvilAccounts[9], value },
  }))
  const started = Date.now()
  const batches = [...(await submit(btcBodies)), ...(await submit(ethBodies))]

  let kills = 0
  let lastKillAt = 0
  const killer = setInterval(() => {
    if (kills >= maxKills) return
    const victim = consumers.shift()
    if (victim === undefined) return
    victim.proc.kill("SIGKILL")
    kills += 1
    lastKillAt = Date.now()
    consumers.push(startConsumer())
  }, killEveryMs)
  let lastReport = 0
  let lastCount = -1
  let sameSince = Date.now()
  const allFinal = await waitUntil(async () => {
    const n = await finalCount(batches)
    if (n !== lastCount) [lastCount, sameSince] = [n, Date.now()]
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now()
      process.stderr.write(`${label}: ${n}/${2 * perChain} final after ${Math.round((Date.now() - started) / 1000)} s, ${kills} consumer kills (logs in ${dir}/logs)\n`)
      // No progress for 30 s, the last kill older than that too (every kill pauses the work while
      // its partitions move): say which batches (the first half Bitcoin, the rest Ethereum) hold
      // what, so a stall names its chain and statuses.
      if (Date.now() - Math.max(sameSince, lastKillAt) >= 30_000) process.stderr.write(`${label}: stalled; unfinished batches: ${await unfinishedBatches(batches)}\n`)
    }
    return n === 2 * perChain
  }, 600_000, 1_000).finally(() => clearInterval(killer))
  process.stderr.write(`${label}: all final after ${Math.round((Date.now() - started) / 1000)} s, ${kills} consumer kills\n`)
  expect(kills).toBeGreaterThanOrEqual(killPlan.min)
  expect(allFinal).toBe(true)

  // Every request confirmed, with a txid of its own.
  const txids = new Set<string>()
  for (const id of batches) {
    const { body } = await get(intake, `/v1/batches/${id}?limit=1000`)
    expect(body.counts).toMatchObject({ confirmed: body.total as number })
    for (const rid of body.ids as string[]) {
      const r = await get(intake, `/v1/requests/${rid}`)
      txids.add(String(r.body.txid))
    }
  }
  expect(txids.size).toBe(2 * perChain)

  // Bitcoin: the target (an address of the run's own account) received each amount exactly
  // once, and nothing else but the funding. btcwallet files a send under account "", and
  // the matching receive under the account that owns the address.
  const received = ((await btc("listtransactions", ["*", 50_000])) as Array<{ category: string; address?: string; account?: string; amount: number }>)
    .filter((t) => t.category === "receive" && t.account === account && t.address === target && t.amount < 1)
  const paid = new Map<string, number>()
  for (const r of received) paid.set(r.amount.toFixed(8), (paid.get(r.amount.toFixed(8)) ?? 0) + 1)
  expect(received.length).toBe(perChain)
  for (const a of amounts) expect(paid.get(a)).toBe(1)

  // Ethereum: every block since the run began holds each of this run's values exactly once.
  const lastBlock = Number(await ethRpc("eth_blockNumber"))
  const seen = new Map<string, number>()
  for (let b = firstBlock; b <= lastBlock; b++) {
    const block = (await ethRpc("eth_getBlockByNumber", [`0x${b.toString(16)}`, true])) as { transactions: Array<{ from: string; to: string; value: string }> }
    for (const tx of block.transactions) {
      const value = BigInt(tx.value).toString()
      if (tx.to?.toLowerCase() === anvilAccounts[9] && values.includes(value)) seen.set(value, (seen.get(value) ?? 0) + 1)
    }
  }
  expect(seen.size).toBe(perChain)
  expect([...seen.values()].every((n) => n === 1)).toBe(true)
  for (const txid of [...txids].filter((t) => t.startsWith("0x"))) {
    const receipt = (await ethRpc("eth_getTransactionReceipt", [txid])) as { status: string } | null
    expect(receipt?.status).toBe("0x1")
  }
}

describe("exactly-once effect", () => {
  test(`${perChain} transfers per chain end exactly once`, () => runAndVerify("steady", { min: 0, max: 0 }), 900_000)
  test(`${perChain} transfers per chain end exactly once while a consumer is SIGKILLed every ${killEveryMs / 1000} s (at least 8 kills)`, () => runAndVerify("crashing", { min: 8, max: 12 }), 900_000)
})
