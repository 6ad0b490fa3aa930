/**
 * Measures what change fan-out does for an account funded with ONE coin, on a private
 * btcd + btcwallet (simnet, test/support/private-bitcoin.ts) with a block mined every
 * `blockMs` (2 s, like the paper stack's simnet), so the shared wallet is never touched:
 *
 * - direct `sendfrom(default, addr, 0.001, 0)` at concurrency 1 (the wallet's own rate,
 *   over its whole coin pool: the reference the gateway must reach 0.9x of), with the
 *   two coins of the next phases locked (`lockunspent`) so that it leaves them alone;
 * - the raw path from one 50-BTC coin, sequential build + sign + send, without the split
 *   (`fanoutCoins` 1) and with it (16). When the book refuses (chain limit) it waits for
 *   the next block; each new block confirms in the book what left the mempool, as the
 *   lane's tracker does.
 *
 *   bun scripts/measure-bitcoin-fanout.ts [payments=400] [blockMs=2000]
 *
 * Prints one JSON object: for each phase the overall rate, the rate after the first
 * block (when the split coins are confirmed), and the payments each block carried.
 */
import { cpus, loadavg } from "node:os"
import { Effect, Result } from "effect"
import { btcNumber } from "../src/adapters/bitcoin/json-amount.ts"
import { listUnspent, sendRaw } from "../src/adapters/bitcoin/wallet-calls.ts"
import { runStep } from "../src/adapters/bitcoin/wallet-step.ts"
import { buildSigned } from "../src/execution/bitcoin/build-transaction.ts"
import { CannotFund } from "../src/execution/bitcoin/coin-selection.ts"
import { UtxoBook } from "../src/execution/bitcoin/utxo-book.ts"
import { startPrivateBitcoin } from "../test/support/private-bitcoin.ts"
import { readyToPay } from "../test/support/ready-to-pay.ts"

const payments = Number(process.argv[2] ?? 400)
const blockMs = Number(process.argv[3] ?? 2000)
const feeRate = 2
const amount = 100_000n
const coin = 50n * 100_000_000n

const run = <A, E>(e: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(e)
const rate = (count: number, ms: number) => Number(((count * 1000) / ms).toFixed(1))
const load = () => loadavg().map((l) => Number(l.toFixed(2)))

const node = await startPrivateBitcoin(200)
let mining = true
try {
  const { payees, scripts, changeScript, sign } = await readyToPay(node)

  // Blocks on a timer, as simnet's miner would.
  const miner = (async () => {
    while (mining) {
      await Bun.sleep(blockMs)
      if (mining) await node.call("generate", [1], "btcd").catch(() => undefined)
    }
  })()
  const height = async () => Number(await node.call("getblockcount", [], "btcd"))

  const phases: Record<string, unknown> = {}
  // One 50-BTC coin for each raw-path phase, locked so that sendfrom leaves it alone.
  const confirmedCoins = async () => (await run(runStep(node.wallet, listUnspent("btcwallet", "default")))).filter((c) => c.confirmations > 0)
  const reserved = (await confirmedCoins()).filter((c) => c.satoshis === coin).slice(0, 2)
  if (reserved.length < 2) throw new Error("fewer than two 50-BTC coins")
  await node.call("lockunspent", [false, reserved.map(({ txid, vout }) => ({ txid, vout }))])

  // 1. Direct sendfrom, c=1.
  const coinsBefore = (await confirmedCoins()).length
  let before = load()
  let errors = 0
  let t0 = performance.now()
  for (let i = 0; i < payments; i++) await node.call("sendfrom", ["default", payees[i % payees.length], btcNumber(amount), 0]).catch(() => errors++)
  let ms = performance.now() - t0
  phases.sendfrom = { payments, ms: Math.round(ms), perSecond: rate(payments, ms), errors, confirmedCoinsBefore: coinsBefore, confirmedCoinsAfter: (await confirmedCoins()).length, loadBefore: before, loadAfter: load() }

  // 2. The raw path from one coin, without and with the split.
  for (const [phase, fanoutCoins] of [1, 16].entries()) {
    const one = reserved[phase] as (typeof reserved)[number]
    const book = new UtxoBook()
    book.load([one])
    let seen = await height()
    const perBlock: number[] = [0]
    let firstBlockAt: number | undefined
    let paidAtFirstBlock = 0
    let waits = 0
    // A new block: what left the mempool was mined, so the book confirms it.
    const follow = async () => {
      const now = await height()
      if (now === seen) return false
      seen = now
      const mempool = new Set((await node.call("getrawmempool", [], "btcd")) as string[])
      for (const txid of book.pendingTxids()) if (!mempool.has(txid)) book.confirm(txid)
      perBlock.push(0)
      return true
    }
    before = load()
    t0 = performance.now()
    let lastFollow = t0
    for (let paid = 0; paid < payments; ) {
      const signed = await Effect.runPromise(Effect.result(buildSigned(book, [{ satoshis: amount, scriptPubKey: scripts[paid % scripts.length] as string }], feeRate, { changeScript, fanoutCoins }, sign)))
      if (Result.isFailure(signed)) {
        const e = signed.failure
        if (!(e instanceof CannotFund) || e.limitedBy !== "chain-limit") throw new Error(`payment ${paid}: ${String(e)}`)
        waits++
        while (!(await follow())) await Bun.sleep(20)
      } else {
        await run(runStep(node.wallet, sendRaw(signed.success.hex)))
        paid++
        perBlock[perBlock.length - 1] = (perBlock[perBlock.length - 1] ?? 0) + 1
      }
      if (performance.now() - lastFollow > 200) {
        lastFollow = performance.now()
        await follow()
      }
      if (firstBlockAt === undefined && perBlock.length > 1) {
        firstBlockAt = performance.now()
        paidAtFirstBlock = paid
      }
    }
    ms = performance.now() - t0
    const after = firstBlockAt === undefined ? undefined : performance.now() - firstBlockAt
    phases[`oneCoinFanout${fanoutCoins}`] = {
      payments, ms: Math.round(ms), perSecond: rate(payments, ms),
      ...(after === undefined ? {} : { perSecondAfterFirstBlock: rate(payments - paidAtFirstBlock, after) }),
      waitsForBlock: waits, paidPerBlock: perBlock, loadBefore: before, loadAfter: load(),
    }
  }
  mining = false
  await miner
  console.log(JSON.stringify({ at: new Date().toISOString(), cores: cpus().length, payments, blockMs, feeRateSatPerVbyte: feeRate, phases }, null, 2))
} finally {
  mining = false
  await node.stop()
}
