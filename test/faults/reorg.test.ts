/**
 * Fault: a reorg (`anvil_reorg`) on the run's own anvil removes blocks that held
 * confirmed transfers. The tracker notices (the block it checked last has another hash
 * now), moves those requests back to `submitted`, sends the same recorded bytes again,
 * and they confirm again. The canonical chain holds each value once.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { ethPaidCounts, ethTransfers, expectExactlyOnce, startFaultRun, statusesOf, submitAll, waitAllFinal, type FaultRun } from "../support/fault-run.ts"
import { waitUntil } from "../support/intake-client.ts"

let run: FaultRun

beforeAll(async () => {
  run = await startFaultRun({ name: "reorg", ethSenders: 3, consumers: 1, btcCoins: 1 })
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

test("confirmed transfers whose blocks a reorg removed are sent again and confirm again", async () => {
  const intake = run.intakes[0] ?? ""
  // Interval mining only, so a handful of blocks hold every transfer and a reorg of that depth removes them.
  await run.eth("evm_setAutomine", [false])
  await run.eth("evm_setIntervalMining", [1])
  const transfers = ethTransfers(run, 6)
  const ids = await submitAll(intake, transfers)
  expect(await waitAllFinal("reorg/before", intake, ids, 120_000)).toBe(true)
  const before = await statusesOf(intake, ids)
  const blocks = ids.map((id) => Number(before.get(id)?.block))
  expect(ids.map((id) => before.get(id)?.status)).toEqual(ids.map(() => "confirmed"))
  const head = Number(await run.eth("eth_blockNumber"))
  const depth = head - Math.min(...blocks) + 1
  // Replace the last `depth` blocks with empty ones: every transfer is gone from the chain.
  await run.eth("evm_setIntervalMining", [0])
  await run.eth("anvil_reorg", [depth, []])
  const gone = await ethPaidCounts(run, transfers.map((t) => t.params.value))
  expect(gone.size).toBe(0)
  process.stderr.write(`reorg: replaced ${depth} blocks (${Math.min(...blocks)}..${head}); transfers on chain now: ${gone.size}\n`)
  await run.eth("evm_setIntervalMining", [1])
  // Back to submitted, then confirmed again, in new blocks.
  expect(await waitUntil(async () => {
    const now = await statusesOf(intake, ids)
    return ids.every((id) => now.get(id)?.status === "confirmed" && Number(now.get(id)?.rev) > Number(before.get(id)?.rev))
  }, 120_000, 1_000)).toBe(true)
  expectExactlyOnce(await ethPaidCounts(run, transfers.map((t) => t.params.value)), transfers.map((t) => t.params.value), "ethereum transfers")
}, 300_000)
