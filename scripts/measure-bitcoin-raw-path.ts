/**
 * One-off measurement for issue 7's Bitcoin raw path, on a private btcd + btcwallet
 * (simnet) that it starts and stops itself (test/support/private-bitcoin.ts), so the
 * shared wallet is never spent from:
 *
 * - direct `sendfrom(default, addr, 0.001, 0)` at concurrency 1 (the drain bench's
 *   Bitcoin reference);
 * - the raw path, one payment per transaction, sequential: select coins, encode,
 *   `signrawtransaction`, `sendrawtransaction` (and the same with btcd's
 *   `createrawtransaction` in the loop, for comparison);
 * - batched payouts: one transaction of 100 outputs and one of 500, build + sign + send.
 *
 *   bun scripts/measure-bitcoin-raw-path.ts [payments=300] [repeats=3]
 *
 * Prints one JSON object: rates, per-call times, and the load average around each phase.
 */
import { loadavg, cpus } from "node:os"
import { Effect, Result } from "effect"
import { runStep } from "../src/adapters/bitcoin/wallet-step.ts"
import { listUnspent, sendRaw, txStatus } from "../src/adapters/bitcoin/wallet-calls.ts"
import { btcNumber } from "../src/adapters/bitcoin/json-amount.ts"
import { buildSigned, buildSignedBatch, signPlan } from "../src/execution/bitcoin/build-transaction.ts"
import { UtxoBook } from "../src/execution/bitcoin/utxo-book.ts"
import { startPrivateBitcoin } from "../test/support/private-bitcoin.ts"
import { readyToPay } from "../test/support/ready-to-pay.ts"

const payments = Number(process.argv[2] ?? 300)
const repeats = Number(process.argv[3] ?? 3)
const feeRate = 2
const amount = 100_000n

const run = <A, E>(e: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(e)
const load = () => loadavg().map((l) => Number(l.toFixed(2)))
const rate = (count: number, ms: number) => Number(((count * 1000) / ms).toFixed(1))

const node = await startPrivateBitcoin(200)
try {
  const { payees, scripts, changeScript, sign } = await readyToPay(node)
  const phases: Record<string, unknown> = {}

  // 1. Direct sendfrom, c=1.
  let before = load()
  let errors = 0
  let t0 = performance.now()
  for (let i = 0; i < payments; i++) {
    await node.call("sendfrom", ["default", payees[i % payees.length], btcNumber(amount), 0]).catch(() => errors++)
  }
  let ms = performance.now() - t0
  phases.sendfrom = { payments, ms: Math.round(ms), perSecond: rate(payments, ms), errors, loadBefore: before, loadAfter: load() }
  await node.mine(1)

  const freshBook = async () => {
    const book = new UtxoBook()
    book.load(await run(runStep(node.wallet, listUnspent("btcwallet", "default"))))
    return book
  }

  // 2. Raw path, one payment per transaction, sequential: encode locally, signrawtransaction, sendrawtransaction.
  let book = await freshBook()
  before = load()
  t0 = performance.now()
  for (let i = 0; i < payments; i++) {
    const signed = await run(buildSigned(book, [{ satoshis: amount, scriptPubKey: scripts[i % scripts.length] as string }], feeRate, { changeScript }, sign))
    await run(runStep(node.wallet, sendRaw(signed.hex)))
  }
  ms = performance.now() - t0
  phases.rawPath = { payments, ms: Math.round(ms), perSecond: rate(payments, ms), loadBefore: before, loadAfter: load() }
  await node.mine(1)

  // 2b. The same with btcd's createrawtransaction in the loop (what the unsigned bytes would cost from the node).
  book = await freshBook()
  before = load()
  t0 = performance.now()
  for (let i = 0; i < payments; i++) {
    const plan = Result.getOrThrow(book.select([{ satoshis: amount, scriptPubKey: scripts[i % scripts.length] as string }], feeRate, { changeScript }))
    await node.call("createrawtransaction", [plan.inputs.map(({ txid, vout }) => ({ txid, vout })), { [payees[i % payees.length] as string]: btcNumber(amount) }])
    const signed = await run(signPlan(book, plan, sign))
    await run(runStep(node.wallet, sendRaw(signed.hex)))
  }
  ms = performance.now() - t0
  phases.rawPathWithCreateRaw = { payments, ms: Math.round(ms), perSecond: rate(payments, ms), loadBefore: before, loadAfter: load() }
  await node.mine(1)

  // How often the wallet does not know a transaction right after it was sent through it.
  book = await freshBook()
  let unknownRightAfterSend = 0
  for (let i = 0; i < 20; i++) {
    const signed = await run(buildSigned(book, [{ satoshis: amount, scriptPubKey: scripts[i % scripts.length] as string }], feeRate, { changeScript }, sign))
    await run(runStep(node.wallet, sendRaw(signed.hex)))
    const status = await run(runStep(node.wallet, txStatus(signed.txid)))
    if (!status.known) unknownRightAfterSend++
  }
  phases.txStatusRightAfterSend = { sends: 20, unknown: unknownRightAfterSend }
  await node.mine(1)

  // 3. Batches of 100 and 500 outputs: build + sign + send, `repeats` times each.
  for (const size of [100, 500]) {
    const times: number[] = []
    for (let r = 0; r < repeats; r++) {
      book = await freshBook()
      const outputs = Array.from({ length: size }, (_, i) => ({ satoshis: amount + BigInt(i), scriptPubKey: scripts[i % scripts.length] as string }))
      before = load()
      t0 = performance.now()
      const batch = await run(buildSignedBatch(book, outputs, feeRate, { changeScript }, sign))
      if (!batch.signed || batch.paid.length !== size) throw new Error(`batch of ${size} paid only ${batch.paid.length}`)
      await run(runStep(node.wallet, sendRaw(batch.signed.hex)))
      times.push(performance.now() - t0)
      await node.mine(1)
    }
    const best = Math.min(...times)
    const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? best
    phases[`batch${size}`] = { outputs: size, msEach: times.map(Math.round), payoutsPerSecondMedian: rate(size, median), payoutsPerSecondBest: rate(size, best), loadAfter: load() }
  }

  console.log(JSON.stringify({ at: new Date().toISOString(), cores: cpus().length, payments, repeats, feeRateSatPerVbyte: feeRate, phases }, null, 2))
} finally {
  await node.stop()
}
