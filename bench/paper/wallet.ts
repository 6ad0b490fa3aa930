/**
 * The paper bench's dealings with the Bitcoin wallet, always directly (never
 * through the counting proxy, so setup and checking are not counted as
 * load): a fresh account of the run's own, funded from the default account
 * (an account that has made many sends may start failing every send, and
 * the default account is everybody's), and the wallet's own record of what
 * it paid to the run's target address, reading back only as far as the
 * run's start.
 */
import { Effect, Result } from "effect"
import { bitcoinCall, type BitcoinEndpoint } from "../../src/adapters/bitcoin-rpc.ts"
import { BenchFailed } from "../lib/bench-definition.ts"

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

/**
 * One wallet call; a call that got no answer (a reset connection: the lab reaches the
 * wallet through a relay, which a burst of direct calls can leave with a dead pooled
 * socket) is asked again, twice, before the run fails. A refusal is never retried.
 */
const call = async (endpoint: BitcoinEndpoint, method: string, params: ReadonlyArray<unknown>): Promise<unknown> => {
  for (let attempt = 1; ; attempt++) {
    const r = await Effect.runPromise(Effect.result(bitcoinCall(endpoint, method, [...params])))
    if (Result.isSuccess(r)) return r.success
    if (r.failure._tag === "NodeUnreachable" && attempt < 3) {
      await sleep(500 * attempt)
      continue
    }
    throw new BenchFailed({ reason: `${method} at ${endpoint.url} failed (${r.failure.message}); is the wallet up? (npm run stack -- status)` })
  }
}

/** A funded account: its name, the address the run pays (one of its own), and the funding payment (not one of the run's). */
export interface FundedAccount {
  readonly account: string
  readonly address: string
  readonly fundingTxid: string
}

/**
 * Creates `account`, takes a new address of it, pays it `btc` from the
 * default account with minconf 0, and waits until its balance (minconf 0)
 * shows the money.
 */
export const fundFreshAccount = async (endpoint: BitcoinEndpoint, account: string, btc: number, timeoutMs: number): Promise<FundedAccount> => {
  await call(endpoint, "createnewaccount", [account])
  const address = await call(endpoint, "getnewaddress", [account])
  if (typeof address !== "string") throw new BenchFailed({ reason: `getnewaddress ${account} answered ${JSON.stringify(address)}, not an address` })
  const fundingTxid = String(await call(endpoint, "sendfrom", ["default", address, btc, 0]))
  const deadline = Date.now() + timeoutMs
  while (Number(await call(endpoint, "getbalance", [account, 0])) < btc) {
    if (Date.now() > deadline) throw new BenchFailed({ reason: `account ${account} did not show its ${btc} BTC within ${timeoutMs} ms; is btcd mining? (npm run stack -- status)` })
    await sleep(250)
  }
  return { account, address, fundingTxid }
}

/** One wallet entry as `listtransactions` gives it (the fields the check reads). */
export interface WalletEntry {
  readonly category: string
  readonly address?: string
  readonly amount: number
  readonly txid: string
  readonly time?: number
}

/** One payment to the target: its amount as an 8-decimal string and its transaction. */
export interface Payment {
  readonly amount: string
  readonly txid: string
}

/** The sends of `entries` that pay `address`, amounts as positive 8-decimal strings. */
export const sendsTo = (entries: ReadonlyArray<WalletEntry>, address: string): ReadonlyArray<Payment> =>
  entries.filter((e) => e.category === "send" && e.address === address).map((e) => ({ amount: Math.abs(e.amount).toFixed(8), txid: e.txid }))

/**
 * Every send to `address` the wallet lists. btcwallet's `listtransactions`
 * skips entries when paged with `from`, so this asks for the newest
 * `count` entries in one call, doubling `count` until the oldest entry
 * listed is older than `sinceEpochS` (or the wallet has no more). It never
 * asks for the whole history at once: on a busy simnet wallet that has
 * taken minutes.
 */
export const paymentsTo = async (endpoint: BitcoinEndpoint, address: string, sinceEpochS: number, maxCount = 512_000): Promise<ReadonlyArray<Payment>> => {
  for (let count = 2000; ; count *= 2) {
    const raw = await call(endpoint, "listtransactions", ["*", count])
    const entries = Array.isArray(raw) ? (raw as ReadonlyArray<WalletEntry>) : []
    const oldest = Math.min(...entries.map((e) => e.time ?? Number.POSITIVE_INFINITY))
    // A wallet fills the list with whole transactions, so it may give a few entries fewer than asked; far fewer means it has no more.
    const exhausted = entries.length < count * 0.8
    if (oldest < sinceEpochS || exhausted || count >= maxCount) return sendsTo(entries, address)
  }
}

/** What the wallet paid, set against the amounts the run asked for. */
export interface PaymentCheck {
  readonly requested: number
  /** Requested amounts paid at least once. */
  readonly delivered: number
  /** Requested amounts paid exactly once. */
  readonly exactlyOnce: number
  /** Requested amounts paid more than once, and the extra payments they made. */
  readonly duplicated: number
  readonly extraPayments: number
  readonly missing: number
  /** Payments to the target with an amount the run never asked for. */
  readonly unexpected: number
  /** Up to 10 duplicated amounts with how often each was paid. */
  readonly duplicateSamples: ReadonlyArray<{ readonly amount: string; readonly times: number }>
}

/** How often each requested amount was paid (amounts never paid are absent), and how many payments had an amount nobody asked for. */
export const timesPaid = (
  requested: ReadonlyArray<string>,
  payments: ReadonlyArray<Payment>,
  ignore: ReadonlyArray<string> = [],
): { readonly times: ReadonlyMap<string, number>; readonly unexpected: number } => {
  const wanted = new Set(requested)
  const skip = new Set(ignore)
  const times = new Map<string, number>()
  let unexpected = 0
  for (const p of payments) {
    if (skip.has(p.txid)) continue
    if (!wanted.has(p.amount)) {
      unexpected++
      continue
    }
    times.set(p.amount, (times.get(p.amount) ?? 0) + 1)
  }
  return { times, unexpected }
}

/** Counts each requested amount's payments; the transactions in `ignore` (the funding) are left out. */
export const checkPayments = (requested: ReadonlyArray<string>, payments: ReadonlyArray<Payment>, ignore: ReadonlyArray<string> = []): PaymentCheck => {
  const wanted = new Set(requested)
  const { times, unexpected } = timesPaid(requested, payments, ignore)
  const counts = [...times.entries()]
  const dupes = counts.filter(([, n]) => n > 1)
  return {
    requested: wanted.size,
    delivered: counts.length,
    exactlyOnce: counts.filter(([, n]) => n === 1).length,
    duplicated: dupes.length,
    extraPayments: dupes.reduce((s, [, n]) => s + n - 1, 0),
    missing: wanted.size - counts.length,
    unexpected,
    duplicateSamples: dupes.slice(0, 10).map(([amount, n]) => ({ amount, times: n })),
  }
}

/** Distinct amounts from `base` BTC up in satoshi steps, as 8-decimal strings. */
export const distinctAmounts = (base: number, count: number): ReadonlyArray<string> => {
  const baseSats = Math.round(base * 1e8)
  return Array.from({ length: count }, (_, i) => ((baseSats + i) / 1e8).toFixed(8))
}
