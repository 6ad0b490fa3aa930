/**
 * How often anvil answers a question about its newest block from the block it is still
 * mining. Two of anvil's dev accounts send 1-wei transfers to one address as fast as
 * anvil takes them, a block a second, while readers ask, over and over:
 *
 * - `count-at-newest`: the sending account's nonce count at `eth_blockNumber`;
 * - `latest-count`: its count at `latest`, with the newest block read just after;
 * - `balance-at-newest`: the receiving address's balance at `eth_blockNumber`.
 *
 * Once the senders stop, each answer is compared with the same question asked of the
 * finished block: an answer ahead of its block (for `latest`, ahead of the newest block
 * read after it) came from the block being mined. The executor's nonce rule
 * (src/execution/ethereum/nonce-fate.ts) and the read front's one wrong answer in the
 * reads bench rest on these figures.
 *
 *   bun scripts/probe-anvil-newest-block.ts [seconds]      (default 20; starts its own anvil)
 */
import { join } from "node:path"

const seconds = Number(process.argv[2] ?? 20)
const port = 20_000 + Math.floor(Math.random() * 20_000)
const url = `http://127.0.0.1:${port}`
const anvil = Bun.spawn([join(import.meta.dir, "..", "node_modules", ".bin", "anvil"), "--port", String(port), "--block-time", "1", "--silent"], { stdout: "ignore", stderr: "ignore" })

let id = 0
const rpc = async (method: string, params: unknown[] = []): Promise<unknown> => {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }) })
  const body = (await response.json()) as { result?: unknown; error?: unknown }
  if (body.error !== undefined) throw new Error(`${method}: ${JSON.stringify(body.error)}`)
  return body.result
}
const hex = (n: number) => `0x${n.toString(16)}`

try {
  for (let i = 0; ; i++) {
    if (await rpc("eth_chainId").then(() => true, () => false)) break
    if (i > 100) throw new Error(`anvil did not answer on ${url}`)
    await Bun.sleep(100)
  }
  const accounts = (await rpc("eth_accounts")) as string[]
  const [a, b] = [accounts[0] as string, accounts[1] as string]
  const target = `0x${"4e".repeat(20)}`
  const end = Date.now() + seconds * 1000
  const asked = { countAtNewest: [] as Array<[number, number]>, latestCount: [] as Array<[number, number]>, balanceAtNewest: [] as Array<[number, string]> }
  let sent = 0

  const send = async (from: string) => {
    while (Date.now() < end) await Promise.all(Array.from({ length: 20 }, () => rpc("eth_sendTransaction", [{ from, to: target, value: "0x1" }]).then(() => (sent += 1), () => undefined)))
  }
  const read = async () => {
    while (Date.now() < end) {
      const newest = Number(await rpc("eth_blockNumber"))
      asked.countAtNewest.push([newest, Number(await rpc("eth_getTransactionCount", [a, hex(newest)]))])
      asked.balanceAtNewest.push([newest, String(await rpc("eth_getBalance", [target, hex(newest)]))])
      const latest = Number(await rpc("eth_getTransactionCount", [a, "latest"]))
      asked.latestCount.push([Number(await rpc("eth_blockNumber")), latest])
    }
  }
  await Promise.all([send(a), send(b), read(), read(), read()])
  await Bun.sleep(2500)

  const finished = new Map<string, string>()
  const at = async (method: string, who: string, block: number) => {
    const key = `${method} ${block}`
    if (!finished.has(key)) finished.set(key, String(await rpc(method, [who, hex(block)])))
    return finished.get(key) as string
  }
  let countAhead = 0
  for (const [block, count] of asked.countAtNewest) if (count > Number(await at("eth_getTransactionCount", a, block))) countAhead += 1
  let latestAhead = 0
  for (const [block, count] of asked.latestCount) if (count > Number(await at("eth_getTransactionCount", a, block))) latestAhead += 1
  let balanceAhead = 0
  for (const [block, balance] of asked.balanceAtNewest) if (BigInt(balance) > BigInt(await at("eth_getBalance", target, block))) balanceAhead += 1

  console.log(JSON.stringify({
    seconds,
    transfersSent: sent,
    blocks: new Set(asked.countAtNewest.map(([n]) => n)).size,
    countAtNewest: { asked: asked.countAtNewest.length, aheadOfItsBlock: countAhead },
    latestCount: { asked: asked.latestCount.length, aheadOfEveryFinishedBlock: latestAhead },
    balanceAtNewest: { asked: asked.balanceAtNewest.length, aheadOfItsBlock: balanceAhead },
  }, null, 2))
} finally {
  anvil.kill()
  await anvil.exited
}
