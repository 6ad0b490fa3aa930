/**
 * Another transaction takes a nonce the gateway signed at: while two of a sender's
 * transfers wait in anvil's pool (mining paused), a transaction from the same account,
 * sent around the gateway (anvil impersonates the account: someone else holding the key,
 * or an operator's manual replacement) and paying far higher fees, replaces the first one
 * and is mined. That request's nonce is used for good by a transaction that is not its
 * own: the executor must see it in a finished block, sign the request again at the
 * sender's next free nonce, and see it confirmed; the second request confirms at its own
 * nonce. Judged from the chain: each request's value paid once, the intruder's once.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { ethPaidCounts, expectExactlyOnce, type FaultRun, pauseMining, pooledOf, resumeMining, startFaultRun, statusesOf, submitAll, waitAllFinal } from "../support/fault-run.ts"
import { waitUntil } from "../support/intake-client.ts"

let run: FaultRun

beforeAll(async () => {
  run = await startFaultRun({ name: "nonce-taken", ethSenders: 1, consumers: 1, btcCoins: 1, edit: (t) => t.replace(/rebroadcast_after_s = 3\b/, "rebroadcast_after_s = 1") })
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

test("a request whose nonce another transaction took is signed again at the next nonce and paid once", async () => {
  const intake = run.intakes[0] ?? ""
  const sender = run.senders[0] ?? ""
  const base = 61_000_000 + Math.floor(Math.random() * 1_000) * 1_000
  const bodies = [0, 1].map((i) => ({ chain: "ethereum", method: "transfer", params: { from: sender, to: run.sink, value: String(base + i) } }))
  await pauseMining(run)
  const [first, second] = await submitAll(intake, bodies)
  expect(await waitUntil(async () => (await pooledOf(run, sender)).size === 2, 30_000, 200)).toBe(true)
  const gatewaysFirst = (await pooledOf(run, sender)).get(0)?.hash
  // Which request the gateway signed at nonce 0 (one batch of one sender keeps its order, but the test need not rely on it).
  const signedAt = await statusesOf(intake, [first ?? "", second ?? ""])
  const atZero = [first ?? "", second ?? ""].find((id) => (signedAt.get(id) as { nonce?: number } | undefined)?.nonce === 0)
  expect(atZero).toBeDefined()

  // The intruder: nonce 0 at 100 gwei (the gateway offers at most a few), to an address of its own.
  const intruderValue = String(base + 500)
  await run.eth("anvil_impersonateAccount", [sender])
  const intruder = (await run.eth("eth_sendTransaction", [{
    from: sender, to: run.sink, value: `0x${BigInt(intruderValue).toString(16)}`, nonce: "0x0", gas: "0x5208",
    maxFeePerGas: "0x174876e800", maxPriorityFeePerGas: "0xba43b7400",
  }])) as string
  await run.eth("anvil_stopImpersonatingAccount", [sender])
  await run.eth("evm_mine", [])
  const receipt = (await run.eth("eth_getTransactionReceipt", [intruder])) as { blockNumber: string } | null
  expect(receipt).not.toBeNull()
  expect(await run.eth("eth_getTransactionReceipt", [gatewaysFirst])).toBeNull()
  process.stderr.write(`nonce-taken: the intruder ${intruder} took nonce 0 in block ${Number(receipt?.blockNumber)} in place of the gateway's ${gatewaysFirst}\n`)
  await resumeMining(run)

  const ids = [atZero ?? "", ...[first ?? "", second ?? ""].filter((id) => id !== atZero)]
  const final = await waitAllFinal("nonce-taken", intake, ids, 60_000)
  if (!final) {
    // Say what the chain holds of the sender, by nonce, for whoever reads the failure.
    const head = Number(await run.eth("eth_blockNumber"))
    for (let b = 0; b <= head; b++) {
      const block = (await run.eth("eth_getBlockByNumber", [`0x${b.toString(16)}`, true])) as { transactions: Array<{ from: string; nonce: string; hash: string; value: string }> }
      for (const tx of block.transactions) if (tx.from.toLowerCase() === sender.toLowerCase()) process.stderr.write(`nonce-taken: block ${b} holds nonce ${Number(tx.nonce)} (${tx.hash}, ${BigInt(tx.value)} wei)\n`)
    }
  }
  expect(final).toBe(true)
  const statuses = await statusesOf(intake, ids)
  const [r0, r1] = ids.map((id) => statuses.get(id) as { status?: string; nonce?: number; txid?: string })
  expect([r0?.status, r1?.status]).toEqual(["confirmed", "confirmed"])
  // The first request moved past the nonces the chain used; the second kept its own.
  expect(r0?.nonce).toBe(2)
  expect(r1?.nonce).toBe(1)
  expect(r0?.txid).not.toBe(gatewaysFirst)
  const values = [...bodies.map((b) => b.params.value), intruderValue]
  expectExactlyOnce(await ethPaidCounts(run, values), values, "ethereum transfers and the intruder")
}, 240_000)
