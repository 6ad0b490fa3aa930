/**
 * A node that counts nonces as used before it shows the block that used them: the
 * gateway's anvil is reached through a proxy (support/lagging-node-proxy.ts) that, for a
 * few seconds after a block holding the run's transfers is mined, answers as a node whose
 * newest block is the one before — no receipt, no transaction by hash, no block — while
 * a sender's `latest` and `pending` counts already include the transfers. anvil does this
 * for a fraction of a millisecond in every block; here it lasts long enough for the
 * executor's slow path to look several times (`rebroadcast_after_s = 1`).
 *
 * An executor that believes "the nonce is used and no version of mine has a receipt"
 * signs each request again at a new nonce and the sink is paid twice. This one judges a
 * nonce only from finished blocks (src/execution/ethereum/nonce-fate.ts): every request
 * confirms once, judged from the chain.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { ethPaidCounts, expectExactlyOnce, type FaultRun, pauseMining, pooledOf, resumeMining, startFaultRun, statusesOf, submitAll, waitAllFinal } from "../support/fault-run.ts"
import { waitUntil } from "../support/intake-client.ts"
import { type LaggingNodeProxy, startLaggingNodeProxy } from "../support/lagging-node-proxy.ts"

let run: FaultRun
let proxy: LaggingNodeProxy | undefined

/** How long the node answers from the block before the one holding the transfers. */
const lagMs = 8_000

beforeAll(async () => {
  run = await startFaultRun({
    name: "lagging",
    ethSenders: 2,
    consumers: 1,
    btcCoins: 1,
    edit: (toml) => {
      const eth1 = /(name = "eth-1"[\s\S]*?\nurl = )"([^"]*)"/
      const anvil = eth1.exec(toml)?.[2]
      if (anvil === undefined) throw new Error("the run's config has no eth-1 url to put the proxy in front of")
      proxy = startLaggingNodeProxy(anvil)
      return toml.replace(eth1, `$1"${proxy.url}"`).replace(/rebroadcast_after_s = 3\b/, "rebroadcast_after_s = 1")
    },
  })
}, 180_000)

afterAll(async () => {
  await run?.stop()
  await proxy?.stop()
}, 120_000)

test("transfers whose nonces the node counts before it shows their block are paid once", async () => {
  const lagging = proxy
  if (lagging === undefined) throw new Error("the proxy did not start")
  const intake = run.intakes[0] ?? ""
  const base = 51_000_000 + Math.floor(Math.random() * 1_000) * 1_000
  const bodies = run.senders.flatMap((from, s) =>
    Array.from({ length: 3 }, (_, i) => ({ chain: "ethereum", method: "transfer", params: { from, to: run.sink, value: String(base + s * 10 + i) } })))
  await pauseMining(run)
  const ids = await submitAll(intake, bodies)
  const inPool = await waitUntil(async () => (await Promise.all(run.senders.map((s) => pooledOf(run, s)))).every((pool) => pool.size === 3), 30_000, 200)
  expect(inPool).toBe(true)

  // One block takes them all; the gateway's node answers from the block before it for `lagMs`.
  const before = Number(await run.eth("eth_blockNumber"))
  lagging.freezeAt(before)
  await run.eth("evm_mine", [])
  const heldAt = Number(await run.eth("eth_blockNumber"))
  for (const from of run.senders) expect(Number(await run.eth("eth_getTransactionCount", [from, "latest"]))).toBe(3)
  await Bun.sleep(lagMs)
  const seen = lagging.stats()
  lagging.thaw()
  await resumeMining(run)
  process.stderr.write(`lagging: block ${heldAt} held the transfers; while the node answered from block ${before}: ${JSON.stringify(seen)}\n`)

  // The fault reached the executor's slow path: it read counts that already included the
  // transfers, and looked for its transactions (by hash, or by receipt) where the node hid them.
  expect(seen["eth_getTransactionCount latest"] ?? 0).toBeGreaterThan(0)
  expect((seen.eth_getTransactionByHash ?? 0) + (seen.eth_getTransactionReceipt ?? 0)).toBeGreaterThan(0)

  expect(await waitAllFinal("lagging", intake, ids, 120_000)).toBe(true)
  const statuses = await statusesOf(intake, ids)
  expect(ids.map((id) => statuses.get(id)?.status)).toEqual(ids.map(() => "confirmed"))
  // Each request's transaction is the one the held block mined: none was signed at another nonce.
  for (const id of ids) expect((statuses.get(id) as { nonce?: number }).nonce).toBeLessThan(3)
  expectExactlyOnce(await ethPaidCounts(run, bodies.map((b) => b.params.value)), bodies.map((b) => b.params.value), "ethereum transfers")
}, 240_000)
