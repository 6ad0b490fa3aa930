/**
 * Fault: the wallet's `listsinceblock` leaves out transactions that are mined, so the
 * chain watch, which reads on from the newest block, never hears of them. In CI the watch
 * missed one that way (a parent recorded `submitted` in the same Kafka transaction as its
 * mined child's `confirmed`). A proxy in front of the wallet hides every transaction
 * whose txid ends in an even hex digit, about half of them, while one account's payouts
 * stream, chained on each other's change, and every executor is fenced four times, so
 * new owners restore what the old ones left unfinished.
 *
 * What must hold, judged from the wallet and the results topic:
 * - every payout ends `confirmed` (the tracker asks the wallet about a hidden parent as
 *   soon as its child is seen mined, and about any hidden transaction when it would be
 *   sent again), and each is paid exactly once;
 * - no transaction is recorded `confirmed` before a transaction of the run whose change it
 *   spends. In CI a consumer killed between those two records left the parent unfinished
 *   and the child final; its successor restored the parent's spent change as a coin,
 *   spent it again, and 120 payouts failed as double-spent.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { Kafka, logLevel } from "kafkajs"
import { btcPaidCounts, btcPayouts, expectExactlyOnce, startFaultRunBehindWallet, statusesOf, stackWalletUrl, streamWhileFencing, waitAllFinal, type FaultRun } from "../support/fault-run.ts"
import { connectedAdmin, readCommitted, testCluster } from "../support/kafka-fixtures.ts"
import { startWalletProxy, type WalletProxy } from "../support/wallet-proxy.ts"

const partitions = 12
let proxy: WalletProxy
let run: FaultRun

beforeAll(async () => {
  proxy = startWalletProxy(stackWalletUrl, { hideListed: (txid) => parseInt(txid.slice(-1), 16) % 2 === 0 })
  run = await startFaultRunBehindWallet(proxy, { name: "watch-misses-blocks", ethSenders: 1, consumers: 1, btcCoins: 3 })
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

type TxRecord = { readonly kind?: string; readonly txid?: string; readonly status?: string; readonly sender?: string; readonly inputs?: readonly string[] }

test("payouts whose blocks the wallet's listing leaves out are all confirmed, each once, and no transaction is confirmed before the one whose change it spends", async () => {
  const intake = run.intakes[0] ?? ""
  const kafka = new Kafka({ clientId: "watch-misses-blocks-test", brokers: [...(await testCluster("watch-misses-blocks-test")).options.brokers], logLevel: logLevel.NOTHING })
  const payouts = btcPayouts(run, 150)
  const ids = await streamWhileFencing(run, kafka, intake, payouts, { rounds: 4, everyMs: 4_000, partitions })
  expect(await waitAllFinal("watch-misses-blocks", intake, ids, 240_000)).toBe(true)

  const statuses = await statusesOf(intake, ids)
  const byStatus: Record<string, number> = {}
  for (const s of statuses.values()) byStatus[String(s.status)] = (byStatus[String(s.status)] ?? 0) + 1
  expect(byStatus).toEqual({ confirmed: ids.length })
  expectExactlyOnce(await btcPaidCounts(run), payouts.map((p) => p.params.amount), "bitcoin payouts")

  // The account's transactions, read back from its partition of the results topic in order.
  const partition = Number(statuses.get(ids[0] ?? "")?.partition)
  const cluster = await testCluster("watch-misses-blocks-read")
  const admin = await connectedAdmin(cluster)
  const records = await readCommitted(cluster, admin, run.topics.results, partition).finally(() => admin.disconnect())
  const txs = new Map<string, { inputs: readonly string[]; confirmedAt: bigint | undefined }>()
  for (const r of records) {
    const v = JSON.parse(r.value) as TxRecord
    if (v.kind !== "transaction" || v.sender !== run.account || v.txid === undefined) continue
    const known = txs.get(v.txid) ?? { inputs: v.inputs ?? [], confirmedAt: undefined }
    if (v.status === "confirmed" && known.confirmedAt === undefined) known.confirmedAt = r.offset
    txs.set(v.txid, known)
  }
  const hidden = [...txs.keys()].filter((t) => proxy.hidden().has(t))
  process.stderr.write(`watch-misses-blocks: ${txs.size} transactions, ${hidden.length} hidden from the watch, statuses ${JSON.stringify(byStatus)}\n`)
  // The fault happened: a good share of the run's own transactions never reached the watch.
  expect(hidden.length).toBeGreaterThanOrEqual(10)

  let pairs = 0
  let hiddenParents = 0
  const early: string[] = []
  for (const [txid, child] of txs) {
    for (const input of child.inputs) {
      const parent = txs.get(input.slice(0, input.lastIndexOf(":")))
      if (parent === undefined) continue
      pairs += 1
      if (proxy.hidden().has(input.slice(0, input.lastIndexOf(":")))) hiddenParents += 1
      if (parent.confirmedAt === undefined || child.confirmedAt === undefined || parent.confirmedAt >= child.confirmedAt) early.push(`${txid} (confirmed at ${child.confirmedAt}) spends ${input} (confirmed at ${parent.confirmedAt})`)
    }
  }
  process.stderr.write(`watch-misses-blocks: ${pairs} parent-child pairs, ${hiddenParents} with a hidden parent\n`)
  expect(hiddenParents).toBeGreaterThanOrEqual(5)
  expect(early).toEqual([])
}, 480_000)
