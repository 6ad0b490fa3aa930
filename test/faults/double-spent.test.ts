/**
 * Fault: a payout's coin spent by another transaction before the gateway's broadcast got
 * through. A proxy in front of the wallet keeps the gateway's `sendrawtransaction` calls
 * (503) while the test spends one of the recorded transaction's coins itself, straight to
 * the wallet, and waits for a block to hold that spend; then the broadcast goes through
 * and the node refuses it, its input gone. The recorded bytes can never be mined, so the
 * payout must end `failed`, reported as double-spent, not be sent again every second for
 * good, and the account's later payouts must be paid, each once. Judged from the wallet.
 */
import { afterAll, beforeAll, expect, test } from "bun:test"
import { btc } from "../support/chain-clients.ts"
import { btcPaidCounts, btcPayouts, ethPaidCounts, ethTransfers, expectExactlyOnce, startFaultRunBehindWallet, statusesOf, stackWalletUrl, submitAll, waitAllFinal, type FaultRun } from "../support/fault-run.ts"
import { type HeldBroadcastProxy, startHeldBroadcastProxy } from "../support/held-broadcast-proxy.ts"
import { waitUntil } from "../support/intake-client.ts"

let proxy: HeldBroadcastProxy
let run: FaultRun

beforeAll(async () => {
  proxy = startHeldBroadcastProxy(stackWalletUrl)
  run = await startFaultRunBehindWallet(proxy, { name: "double-spent", ethSenders: 2, consumers: 1 })
}, 180_000)

afterAll(async () => {
  await run?.stop()
}, 120_000)

type Decoded = { readonly txid: string; readonly vin: readonly { readonly txid: string; readonly vout: number }[] }

test("a payout whose coin another transaction spent in a block fails as double-spent, and later payouts are paid once", async () => {
  const intake = run.intakes[0] ?? ""
  const [first, ...later] = btcPayouts(run, 6)
  const transfers = ethTransfers(run, 5)
  const [firstId = ""] = await submitAll(intake, [first])
  const ethIds = await submitAll(intake, transfers)

  // The gateway records its transaction and tries to send it; the proxy keeps it.
  expect(await waitUntil(async () => proxy.held().length > 0, 60_000, 200)).toBe(true)
  const held = (await btc("decoderawtransaction", [proxy.held()[0]])) as Decoded
  const coin = held.vin[0]
  if (coin === undefined) throw new Error(`the held transaction ${held.txid} spends nothing`)
  // Recorded before the send; the intake's status view reads the record a moment later (CI once saw "accepted" here).
  expect(await waitUntil(async () => String((await statusesOf(intake, [firstId])).get(firstId)?.status) === "signed", 10_000, 100)).toBe(true)

  // Spend that coin elsewhere, straight to the wallet, and wait for a block to hold the spend.
  const unspent = (await btc("gettxout", [coin.txid, coin.vout])) as { value: number }
  const elsewhere = String(await btc("getnewaddress", ["default"]))
  const unsigned = String(await btc("createrawtransaction", [[{ txid: coin.txid, vout: coin.vout }], { [elsewhere]: Number((unspent.value - 0.0001).toFixed(8)) }]))
  const signed = (await btc("signrawtransaction", [unsigned])) as { hex: string; complete: boolean }
  expect(signed.complete).toBe(true)
  const spend = String(await btc("sendrawtransaction", [signed.hex]))
  const mined = await waitUntil(async () => Number(((await btc("gettransaction", [spend])) as { confirmations: number }).confirmations) >= 1, 60_000, 500)
  expect(mined).toBe(true)

  // Now the gateway's broadcast reaches the node, which refuses it: its coin is gone.
  proxy.release()
  expect(await waitAllFinal("double-spent", intake, [firstId], 60_000)).toBe(true)
  const failed = (await statusesOf(intake, [firstId])).get(firstId) as { status?: string; reason?: string }
  expect(failed.status).toBe("failed")
  expect(failed.reason ?? "").toContain("double spend")

  // The account is not jammed: later payouts are paid, and nothing paid the first one.
  const laterIds = await submitAll(intake, later)
  expect(await waitAllFinal("double-spent", intake, [...laterIds, ...ethIds], 180_000)).toBe(true)
  const paid = await btcPaidCounts(run)
  expect(paid.get(first?.params.amount ?? "") ?? 0).toBe(0)
  expectExactlyOnce(paid, later.map((p) => p.params.amount), "bitcoin payouts")
  expectExactlyOnce(await ethPaidCounts(run, transfers.map((t) => t.params.value)), transfers.map((t) => t.params.value), "ethereum transfers")
  // The wallet never took the held bytes: a block holds the other spend of their coin.
  const ours = (await btc("gettransaction", [held.txid]).catch(() => undefined)) as { confirmations?: number } | undefined
  expect(ours?.confirmations ?? 0).toBeLessThanOrEqual(0)
}, 420_000)
