/**
 * The read front on the real stack: a gateway host with the producer and consumer roles,
 * its own anvil (mining only per transaction or evm_mine, so heads move when the test
 * says) behind a counting proxy with a cap of 4 calls in flight. Each answer is judged
 * against the node itself: what the proxy saw it asked, and what anvil says at the same
 * block.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { Wallet } from "ethers"
import { metricSum, parseMetricsText } from "../bench/lib/gateway-under-test.ts"
import { ethTransfers, startFaultRun, submitAll, waitAllFinal, type FaultRun } from "./support/fault-run.ts"
import { post, waitUntil } from "./support/intake-client.ts"
import { proxiedEthNodes, type ReadProxy, withReadsKey } from "./support/read-proxy.ts"

const cap = 4
const idleAfterMs = 2_000
let run: FaultRun
let proxy: ReadProxy
let intake = ""

beforeAll(async () => {
  run = await startFaultRun({
    name: "reads",
    ethSenders: 4,
    consumers: 0,
    btcCoins: 0,
    producerRoles: "producer,consumer",
    anvilMining: "auto",
    edit: (toml) => {
      const proxied = proxiedEthNodes(toml, 1, cap)
      proxy = proxied.proxies[0] as ReadProxy
      // The reads here are not held back by a drain (test/reads-yield.test.ts tests that), so
      // the cap-sharing test below sees the node's permits shared, not the host's CPU.
      // A chain nobody read for 2 s is no longer followed (the last test watches that happen).
      // The node's cap stays at 4: the adaptive limit would lower it when the cap test holds the sends back.
      const fixedCap = proxied.text.replaceAll(/^adaptive = true/gm, "adaptive = false")
      return withReadsKey(withReadsKey(withReadsKey(fixedCap, "head_poll_ms", "100"), "rate_while_draining", "0"), "head_idle_after_ms", String(idleAfterMs))
    },
  })
  intake = run.intakes[0] ?? ""
}, 180_000)

afterAll(async () => {
  await run?.stop()
  proxy?.stop()
}, 120_000)

/** One JSON-RPC read through the gateway: the answer and how it was served. */
const rpc = async (method: string, params: readonly unknown[]) => {
  const res = await post(intake, "/v1/rpc/ethereum", { jsonrpc: "2.0", id: 1, method, params })
  const body = (await res.json()) as { result?: unknown; error?: { message: string }; message?: string }
  return { status: res.status, body, result: body.result, cache: res.headers.get("x-gateway-cache"), block: Number(res.headers.get("x-gateway-block") ?? Number.NaN) }
}

/** A metric's value for the ethereum chain, from the host's /metrics. */
const metric = async (name: string): Promise<number> => {
  const samples = parseMetricsText(await (await fetch(`${intake}/metrics`)).text())
  return metricSum(samples, name, { chain: "ethereum" })
}

/** Waits until the gateway's head has reached the node's; reading through it meanwhile, so it follows the head. */
const headCaughtUp = async () => {
  const head = Number(await run.eth("eth_blockNumber"))
  expect(await waitUntil(async () => (await rpc("eth_chainId", [])).status === 200 && (await metric("gateway_read_head")) >= head, 10_000, 50)).toBe(true)
  return head
}

/**
 * Pays `wei` to `to` from one of anvil's unlocked dev accounts and answers the transaction
 * and the block that holds it, from its receipt: anvil answers eth_sendTransaction a moment
 * before eth_blockNumber shows that block.
 */
const pay = async (to: string, wei: bigint, data?: string): Promise<{ readonly tx: string; readonly block: number }> => {
  const [from] = (await run.eth("eth_accounts")) as string[]
  const tx = String(await run.eth("eth_sendTransaction", [{ from, to, value: `0x${wei.toString(16)}`, ...(data === undefined ? {} : { data }) }]))
  let block: string | undefined
  expect(await waitUntil(async () => {
    block = ((await run.eth("eth_getTransactionReceipt", [tx])) as { blockNumber?: string } | null)?.blockNumber
    return block !== undefined && Number(await run.eth("eth_blockNumber")) >= Number(block)
  }, 10_000, 50)).toBe(true)
  return { tx, block: Number(block) }
}

test("a read at the same head is served from the cache, and a new head makes the next one go to the node", async () => {
  const who = Wallet.createRandom().address
  const head = await headCaughtUp()
  const first = await rpc("eth_getBalance", [who, "latest"])
  const second = await rpc("eth_getBalance", [who, "latest"])
  expect([first.cache, first.block, first.result]).toEqual(["miss", head, "0x0"])
  expect([second.cache, second.block, second.result]).toEqual(["hit", head, "0x0"])
  expect(proxy.stats().byFirstParam[`eth_getBalance ${who.toLowerCase()}`]).toBe(1)

  const paid = await pay(who, 12_345n)
  const next = await headCaughtUp()
  expect(next).toBeGreaterThanOrEqual(paid.block)
  const third = await rpc("eth_getBalance", [who, "latest"])
  expect([third.cache, third.block, third.result]).toEqual(["miss", next, "0x3039"])
  // The answer is the node's at that block.
  expect(await run.eth("eth_getBalance", [who, `0x${next.toString(16)}`])).toBe("0x3039")
  expect(proxy.stats().byFirstParam[`eth_getBalance ${who.toLowerCase()}`]).toBe(2)
}, 60_000)

/** How many eth_getBalance calls for `who` reached the node. */
const balanceCalls = (who: string) => proxy.stats().byFirstParam[`eth_getBalance ${who.toLowerCase()}`] ?? 0

test("a new block of plain transfers carries the balance answers of the accounts it did not touch; the ones it touched go to the node", async () => {
  const paid = Wallet.createRandom().address
  const bystander = Wallet.createRandom().address
  const head = await headCaughtUp()
  expect((await rpc("eth_getBalance", [bystander, "latest"])).cache).toBe("miss")
  expect((await rpc("eth_getBalance", [paid, "latest"])).cache).toBe("miss")
  const carriedBefore = await metric("gateway_read_carried_total")

  // One transfer, mined alone in the next block (anvil mines per transaction here).
  const { block } = await pay(paid, 5n)
  expect(block).toBe(head + 1)
  await headCaughtUp()
  expect(await metric("gateway_read_carried_total")).toBeGreaterThan(carriedBefore)
  const still = await rpc("eth_getBalance", [bystander, "latest"])
  expect([still.cache, still.block, still.result]).toEqual(["hit", block, "0x0"])
  expect(balanceCalls(bystander)).toBe(1)
  const moved = await rpc("eth_getBalance", [paid, "latest"])
  expect([moved.cache, moved.block, moved.result]).toEqual(["miss", block, "0x5"])
  expect(balanceCalls(paid)).toBe(2)
  // Both are what the node says at that block.
  expect(await run.eth("eth_getBalance", [bystander, `0x${block.toString(16)}`])).toBe("0x0")
  expect(await run.eth("eth_getBalance", [paid, `0x${block.toString(16)}`])).toBe("0x5")
}, 60_000)

test("a block whose transactions used more than a transfer's gas (calldata, code) carries nothing", async () => {
  const paid = Wallet.createRandom().address
  const bystander = Wallet.createRandom().address
  const head = await headCaughtUp()
  expect((await rpc("eth_getBalance", [bystander, "latest"])).cache).toBe("miss")
  const carriedBefore = await metric("gateway_read_carried_total")
  const { block } = await pay(paid, 6n, "0x01")
  expect(block).toBe(head + 1)
  await headCaughtUp()
  const after = await rpc("eth_getBalance", [bystander, "latest"])
  expect([after.cache, after.block, after.result]).toEqual(["miss", block, "0x0"])
  expect(balanceCalls(bystander)).toBe(2)
  expect(await metric("gateway_read_carried_total")).toBe(carriedBefore)
}, 60_000)

test("identical reads that arrive while the first is at the node share its one node call", async () => {
  const who = Wallet.createRandom().address
  await headCaughtUp()
  proxy.delay("eth_getBalance", 400)
  try {
    const answers = await Promise.all(Array.from({ length: 40 }, () => rpc("eth_getBalance", [who, "latest"])))
    expect(new Set(answers.map((a) => a.result))).toEqual(new Set(["0x0"]))
    const served = answers.map((a) => a.cache).sort()
    expect(served.filter((c) => c === "miss")).toHaveLength(1)
    expect(served.filter((c) => c === "merged").length + served.filter((c) => c === "hit").length).toBe(39)
    expect(served.filter((c) => c === "merged").length).toBeGreaterThan(0)
    expect(proxy.stats().byFirstParam[`eth_getBalance ${who.toLowerCase()}`]).toBe(1)
  } finally {
    proxy.delay("eth_getBalance", 0)
  }
}, 60_000)

test("a reorg drops the answers about the blocks it replaced", async () => {
  const who = Wallet.createRandom().address
  const { tx, block: paidIn } = await pay(who, 777n)
  await run.eth("evm_mine")
  await headCaughtUp()
  // About a block below the head: kept until a reorg replaces it.
  const at = `0x${paidIn.toString(16)}`
  expect((await rpc("eth_getBalance", [who, at])).result).toBe("0x309")
  expect((await rpc("eth_getBalance", [who, at])).cache).toBe("hit")
  const receipt = await rpc("eth_getTransactionReceipt", [tx])
  expect((receipt.result as { blockNumber?: string }).blockNumber).toBe(at)
  expect((await rpc("eth_getTransactionReceipt", [tx])).cache).toBe("hit")

  const reorgsBefore = await metric("gateway_read_reorgs_total")
  // Both blocks replaced by empty ones: the payment is gone from the chain.
  await run.eth("anvil_reorg", [2, []])
  expect(await run.eth("eth_getBalance", [who, at])).toBe("0x0")
  expect(await waitUntil(async () => (await rpc("eth_chainId", [])).status === 200 && (await metric("gateway_read_reorgs_total")) > reorgsBefore, 10_000, 50)).toBe(true)
  const after = await rpc("eth_getBalance", [who, at])
  expect([after.cache, after.result]).toEqual(["miss", "0x0"])
  // The old receipt is gone: the gateway now says what the node says (none, or a new block if anvil mined it again).
  const now = (await rpc("eth_getTransactionReceipt", [tx])).result as { blockNumber?: string } | null
  const direct = (await run.eth("eth_getTransactionReceipt", [tx])) as { blockNumber?: string } | null
  expect(now?.blockNumber ?? null).toBe(direct?.blockNumber ?? null)
  expect(now?.blockNumber ?? null).not.toBe(at)
}, 60_000)

test("write methods are refused with a 400 that points to /v1/requests, and reach no node", async () => {
  const raw = "0x02f86b827a6980843b9aca00847735940082520894000000000000000000000000000000000000000080c0"
  const single = await post(intake, "/v1/rpc/ethereum", { jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [raw] })
  expect(single.status).toBe(400)
  const body = (await single.json()) as { error: string; field: string; message: string }
  expect([body.error, body.field]).toEqual(["write_method", "body.method"])
  expect(body.message).toContain("POST /v1/requests")
  // One write in a batch refuses the whole batch: its read is not sent either.
  const who = Wallet.createRandom().address
  const batch = await post(intake, "/v1/rpc/ethereum", [
    { jsonrpc: "2.0", id: 1, method: "eth_getBalance", params: [who, "latest"] },
    { jsonrpc: "2.0", id: 2, method: "eth_sendTransaction", params: [{ to: who }] },
  ])
  expect(batch.status).toBe(400)
  expect(((await batch.json()) as { field: string }).field).toBe("body[1].method")
  const seen = proxy.stats()
  expect(seen.calls.eth_sendRawTransaction ?? 0).toBe(0)
  expect(seen.calls.eth_sendTransaction ?? 0).toBe(0)
  expect(seen.byFirstParam[`eth_getBalance ${who.toLowerCase()}`]).toBeUndefined()
  const unknown = await post(intake, "/v1/rpc/ethereum", { jsonrpc: "2.0", id: 1, method: "anvil_setBalance", params: [who, "0x1"] })
  expect(unknown.status).toBe(400)
  expect(await run.eth("eth_getBalance", [who, "latest"])).toBe("0x0")
}, 30_000)

test(`reads share the node's cap of ${cap} with a drain, behind the executor's writes`, async () => {
  proxy.reset()
  // Sends held 30 ms at the node, so the senders' broadcasts overlap with each other and
  // with the reads: the cap must bind, or this test would not be testing it.
  proxy.delay("eth_sendRawTransaction", 30)
  const transfers = ethTransfers(run, 40)
  const ids = await submitAll(intake, transfers)
  let drained = false
  let reads = 0
  let readFailures = 0
  // 24 clients read balances nobody else reads, so each read is a node call of its own.
  const storm = Array.from({ length: 24 }, async () => {
    while (!drained) {
      const answer = await rpc("eth_getBalance", [Wallet.createRandom().address, "latest"])
      if (answer.status === 200 && answer.result === "0x0") reads += 1
      else readFailures += 1
    }
  })
  const final = await waitAllFinal("reads/drain", intake, ids, 120_000)
  drained = true
  await Promise.all(storm)
  proxy.delay("eth_sendRawTransaction", 0)
  expect(final).toBe(true)
  const seen = proxy.stats()
  process.stderr.write(`reads: ${transfers.length} transfers drained beside ${reads} reads (${readFailures} failed); node peak in flight ${seen.peak}, eth_getBalance peak ${seen.peakByMethod.eth_getBalance ?? 0}, sends ${seen.calls.eth_sendRawTransaction ?? 0}\n`)
  // The cap was reached (so it was exercised) and never passed.
  expect(seen.peak).toBe(cap)
  // Reads hold at most half the cap, so the executor always has the other half.
  expect(seen.peakByMethod.eth_getBalance ?? 0).toBeLessThanOrEqual(cap / 2)
  expect(reads).toBeGreaterThan(0)
  expect(readFailures).toBe(0)
}, 240_000)


test("a chain nobody reads is no longer followed, and the next read reads its head first: no stale answer", async () => {
  const who = Wallet.createRandom().address
  await headCaughtUp()
  const before = await rpc("eth_getBalance", [who, "latest"])
  expect([before.cache, before.result]).toEqual(["miss", "0x0"])
  // Nobody reads for longer than the idle time: the head polls stop.
  await Bun.sleep(idleAfterMs + 500)
  const stopped = await metric("gateway_read_head_reads_total")
  // The chain moves meanwhile, paying the address whose balance the cache holds.
  const paid = await pay(who, 4_242n)
  await Bun.sleep(1_000)
  expect(await metric("gateway_read_head_reads_total")).toBe(stopped)
  const head = Number(await run.eth("eth_blockNumber"))
  expect(head).toBeGreaterThanOrEqual(paid.block)
  // The next read reads the head first: a miss at the new head, not the cached 0 of the old one.
  const after = await rpc("eth_getBalance", [who, "latest"])
  expect([after.cache, after.block, after.result]).toEqual(["miss", head, "0x1092"])
  expect(await metric("gateway_read_head_reads_total")).toBeGreaterThan(stopped)
  // And it is followed again.
  await Bun.sleep(500)
  expect(await metric("gateway_read_head_reads_total")).toBeGreaterThan(stopped + 2)
}, 60_000)
