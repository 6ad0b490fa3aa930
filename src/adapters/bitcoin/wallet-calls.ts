/**
 * The wallet calls of the Bitcoin raw path, one step per function (see wallet-step.ts):
 * list the account's coins, get a change address, sign the transaction the executor
 * built, broadcast it, follow it, and find who spent an output. Bitcoin Core's funded-
 * PSBT calls are in psbt-calls.ts.
 *
 * What the real btcwallet v0.18 / btcd v0.26 does (simnet), and Core's documented
 * equivalent where it differs:
 * - `listunspent` takes no account; each entry names its `account`, so the account is
 *   filtered here. Locked coins (`lockunspent`) are left out of the listing. Core has no
 *   accounts: one wallet per account, addressed by the endpoint's `/wallet/<name>` URL.
 * - `getrawchangeaddress [account]` gives a p2pkh address; btcwallet's
 *   `signrawtransaction` signs p2pkh inputs only (txscript.SignTxOutput), so change must
 *   stay p2pkh there. Core gets a bech32 change address.
 * - `signrawtransaction [hex, [{txid, vout, scriptPubKey}]]`: with the prevouts given,
 *   btcwallet does not ask btcd for them (one `gettxout` per input otherwise). Its
 *   signatures are deterministic (RFC 6979): the same unsigned bytes sign to the same
 *   bytes. An input it cannot sign gives `complete: false` with
 *   `errors: [{txid, vout, scriptSig, sequence, error}]`, as Core's
 *   `signrawtransactionwithwallet` does (which also needs each prevout's amount).
 * - `sendrawtransaction [hex]` answers the txid. The same bytes again: code -26 "TX
 *   rejected: already have transaction in mempool <txid>", or -27 "TX rejected:
 *   transaction already exists in blockchain" once mined. Another transaction spending
 *   the same input: -26 "TX rejected: output already spent in mempool: output=<txid>:<n>,
 *   tx=<spender>"; after the spender is mined: -25 "TX rejected: orphan transaction …
 *   references outputs of unknown or fully-spent transaction …". btcwallet answers these
 *   with HTTP 200. Classifying them is `node-errors.ts`'s job, not this module's.
 * - `gettransaction [txid]` knows a transaction broadcast with `sendrawtransaction` only
 *   once btcd has notified the wallet: asked right after the send it answered "unknown"
 *   for 6 to 11 of 20 sends in four runs, so "unknown" just after a send means "not seen
 *   yet", not "dropped". `blockhash` is "" until mined; an unknown txid is code -5 ("No
 *   information for transaction"; Core: "Invalid or non-wallet transaction id").
 * - `getnewaddress`, like `getrawchangeaddress`, can fail with "-5: Invalid address or
 *   key: Sb1…" (see wallet-dialect.ts); asking again moves the wallet past that address.
 * - There is no `createrawtransaction` step: btcd's orders outputs at random, merges
 *   payouts to one address and refuses bech32 payees; the executor writes the unsigned
 *   bytes itself (raw-transaction.ts).
 * - btcd's `gettxout txid n true` still shows an output as unspent after a mempool
 *   transaction spent it; `gettxspendingprevout` (btcd and Core ≥ 24) names the mempool
 *   spender. Neither names a spender in a block: `gettxout` is then null.
 */
import { Data, Effect, Result } from "effect"
import type { BitcoinEndpoint, BitcoinRpcError } from "../bitcoin-rpc.ts"
import { btcString, satoshisOfJsonAmount } from "./json-amount.ts"
import { isCount, isFields, isHex, isTxid, MalformedAnswer, runStep, type Fields, type WalletKind, type WalletStep } from "./wallet-step.ts"

/** An output, named by the transaction that made it and its index there. */
export interface OutPoint {
  readonly txid: string
  readonly vout: number
}

/** A `listunspent` entry with its amount in satoshis. */
export interface UnspentCoin extends OutPoint {
  readonly address: string
  readonly scriptPubKey: string
  readonly satoshis: bigint
  readonly confirmations: number
  readonly spendable: boolean
  /** Core ≥ 25 only: in-mempool ancestors of an unconfirmed coin, its own transaction included. */
  readonly ancestorCount?: number
}

/** A prevout the signer needs: the script it locks to and (for Core's segwit signing) its amount. */
export interface Prevout extends OutPoint {
  readonly scriptPubKey: string
  readonly satoshis: bigint
}

/** The wallet signed only part of the transaction: the inputs it could not sign and why. */
export class SigningIncomplete extends Data.TaggedError("SigningIncomplete")<{
  readonly missing: readonly { readonly txid: string; readonly vout: number; readonly error: string }[]
}> {
  override get message() {
    const inputs = this.missing.map((m) => `${m.txid}:${m.vout} (${m.error})`).join(", ")
    return `the wallet could not sign ${inputs || "every input"}; is each input a coin of this wallet, and is it unlocked?`
  }
}

/**
 * True when a failed signing may only mean that the wallet is locked, so unlocking it and
 * signing once more is worth a try: the node said "unlock first" (-13, `wallet-locked`),
 * or the wallet signed only part of the transaction. The reasons an incomplete signing
 * gives per input are each wallet's own words, so they are not read: every incomplete
 * signing counts, and one unlock and one more signing attempt cost little.
 */
export const signingMayNeedUnlock = (error: { readonly _tag: string; readonly kind?: unknown }): boolean =>
  (error._tag === "NodeRejected" && error.kind === "wallet-locked") || error._tag === "SigningIncomplete"

/** Where a wallet transaction stands. `known: false` when the wallet has no such transaction. */
export type TxStatus =
  | { readonly known: false }
  | { readonly known: true; readonly confirmations: number; readonly blockhash?: string; readonly conflicts: readonly string[] }

/** Who spent an output: a mempool transaction, nobody yet, or a block (or the output never existed). */
export type Spender = { readonly state: "mempool"; readonly txid: string } | { readonly state: "unspent"; readonly confirmations: number } | { readonly state: "gone" }

const malformed = (method: string, detail: string) => Result.fail(new MalformedAnswer({ method, detail }))

const allConfirmations = 9_999_999

const parseCoin = (e: Fields): UnspentCoin | string => {
  const satoshis = typeof e.amount === "number" ? satoshisOfJsonAmount(e.amount) : undefined
  if (!isTxid(e.txid) || !isCount(e.vout)) return "an entry without txid/vout"
  if (satoshis === undefined) return `entry ${e.txid}:${e.vout} has amount ${JSON.stringify(e.amount)}`
  if (!isHex(e.scriptPubKey) || !isCount(e.confirmations) || typeof e.spendable !== "boolean") return `entry ${e.txid}:${e.vout} lacks scriptPubKey/confirmations/spendable`
  return {
    txid: e.txid,
    vout: e.vout,
    address: typeof e.address === "string" ? e.address : "",
    scriptPubKey: e.scriptPubKey,
    satoshis,
    confirmations: e.confirmations,
    spendable: e.spendable,
    ...(isCount(e.ancestorcount) ? { ancestorCount: e.ancestorcount } : {}),
  }
}

/** Every coin of `account`, confirmed or not (btcwallet: filtered by each entry's `account`; Core: the endpoint's wallet). */
export const listUnspent = (kind: WalletKind, account: string): WalletStep<readonly UnspentCoin[]> => ({
  call: { method: "listunspent", params: [0, allConfirmations] },
  parse: (result) => {
    if (!Array.isArray(result)) return malformed("listunspent", "not a list")
    const coins: UnspentCoin[] = []
    for (const entry of result) {
      if (!isFields(entry)) return malformed("listunspent", "an entry that is not an object")
      if (kind === "btcwallet" && entry.account !== account) continue
      const coin = parseCoin(entry)
      if (typeof coin === "string") return malformed("listunspent", coin)
      coins.push(coin)
    }
    return Result.succeed(coins)
  },
})

const parseAddress = (method: string) => (result: unknown) => (typeof result === "string" && result.length > 0 ? Result.succeed(result) : malformed(method, "not an address"))

/** A fresh change address of `account` that the wallet can sign for (p2pkh on btcwallet, bech32 on Core). */
export const newChangeAddress = (kind: WalletKind, account: string): WalletStep<string> => ({
  call: { method: "getrawchangeaddress", params: kind === "btcwallet" ? [account] : ["bech32"] },
  parse: parseAddress("getrawchangeaddress"),
})

const parseSigned = (method: string) => (result: unknown): Result.Result<string, MalformedAnswer | SigningIncomplete> => {
  if (!isFields(result) || !isHex(result.hex) || typeof result.complete !== "boolean") return malformed(method, "no hex/complete")
  if (result.complete) return Result.succeed(result.hex)
  const errors = Array.isArray(result.errors) ? result.errors.filter(isFields) : []
  const missing = errors.map((e) => ({ txid: String(e.txid), vout: Number(e.vout), error: String(e.error) }))
  return Result.fail(new SigningIncomplete({ missing }))
}

/** Signs the unsigned transaction `hex` spending `prevouts`; answers the signed hex, or `SigningIncomplete`. */
export const signRaw = (kind: WalletKind, hex: string, prevouts: readonly Prevout[]): WalletStep<string, MalformedAnswer | SigningIncomplete> =>
  kind === "btcwallet"
    ? {
        call: { method: "signrawtransaction", params: [hex, prevouts.map(({ txid, vout, scriptPubKey }) => ({ txid, vout, scriptPubKey }))] },
        parse: parseSigned("signrawtransaction"),
      }
    : {
        call: {
          method: "signrawtransactionwithwallet",
          params: [hex, prevouts.map(({ txid, vout, scriptPubKey, satoshis }) => ({ txid, vout, scriptPubKey, amount: btcString(satoshis) }))],
        },
        parse: parseSigned("signrawtransactionwithwallet"),
      }

/** Broadcasts signed bytes; answers the txid the node computed. */
export const sendRaw = (hex: string): WalletStep<string> => ({
  call: { method: "sendrawtransaction", params: [hex] },
  parse: (result) => (isTxid(result) ? Result.succeed(result) : malformed("sendrawtransaction", "not a txid")),
})

/** Where `txid` stands in the wallet: confirmations (Core: negative when a conflict was mined), block, conflicts. */
export const txStatus = (txid: string): WalletStep<TxStatus> => ({
  call: { method: "gettransaction", params: [txid] },
  parse: (result) => {
    if (!isFields(result) || typeof result.confirmations !== "number") return malformed("gettransaction", "no confirmations")
    const blockhash = isTxid(result.blockhash) ? result.blockhash : undefined
    const conflicts = Array.isArray(result.walletconflicts) ? result.walletconflicts.filter(isTxid) : []
    return Result.succeed({ known: true, confirmations: result.confirmations, ...(blockhash ? { blockhash } : {}), conflicts })
  },
  // -5: "No information for transaction" (btcwallet), "Invalid or non-wallet transaction id" (Core).
  whenRejected: (code) => (code === -5 ? { known: false } : undefined),
})

/** The mempool transaction spending each outpoint, if any (btcd and Core ≥ 24). Keys are `txid:vout`. */
export const mempoolSpenders = (outpoints: readonly OutPoint[]): WalletStep<ReadonlyMap<string, string | undefined>> => ({
  call: { method: "gettxspendingprevout", params: [outpoints.map(({ txid, vout }) => ({ txid, vout }))] },
  parse: (result) => {
    if (!Array.isArray(result)) return malformed("gettxspendingprevout", "not a list")
    const spenders = new Map<string, string | undefined>()
    for (const e of result) {
      if (!isFields(e) || !isTxid(e.txid) || !isCount(e.vout)) return malformed("gettxspendingprevout", "an entry without txid/vout")
      spenders.set(`${e.txid}:${e.vout}`, isTxid(e.spendingtxid) ? e.spendingtxid : undefined)
    }
    return Result.succeed(spenders)
  },
})

/** The output if it exists and no block spent it (mempool outputs included); `undefined` otherwise. */
export const unspentOutput = (outpoint: OutPoint): WalletStep<{ readonly confirmations: number } | undefined> => ({
  call: { method: "gettxout", params: [outpoint.txid, outpoint.vout, true] },
  parse: (result) => {
    if (result === null) return Result.succeed(undefined)
    return isFields(result) && isCount(result.confirmations) ? Result.succeed({ confirmations: result.confirmations }) : malformed("gettxout", "no confirmations")
  },
})

/** Who spent `outpoint`: asks the mempool first, then whether a block spent it. */
export const spentBy = (node: BitcoinEndpoint, outpoint: OutPoint): Effect.Effect<Spender, BitcoinRpcError | MalformedAnswer> =>
  Effect.gen(function* () {
    const spenders = yield* runStep(node, mempoolSpenders([outpoint]))
    const inMempool = spenders.get(`${outpoint.txid}:${outpoint.vout}`)
    if (inMempool) return { state: "mempool", txid: inMempool } as const
    const output = yield* runStep(node, unspentOutput(outpoint))
    return output ? ({ state: "unspent", confirmations: output.confirmations } as const) : ({ state: "gone" } as const)
  })

/**
 * Locks (`lock: true`) or unlocks coins so the wallet's own sends (`sendfrom`, other
 * tools) do not spend coins the executor holds. btcwallet keeps locks in memory only
 * (a restart forgets them) and `lockunspent true []` unlocks every coin, so an empty
 * list is never sent: the step is then a no-op call of `listlockunspent`.
 */
export const lockCoins = (lock: boolean, outpoints: readonly OutPoint[]): WalletStep<boolean> =>
  outpoints.length === 0
    ? { call: { method: "listlockunspent", params: [] }, parse: () => Result.succeed(true) }
    : {
        call: { method: "lockunspent", params: [!lock, outpoints.map(({ txid, vout }) => ({ txid, vout }))] },
        parse: (result) => (result === true ? Result.succeed(true) : malformed("lockunspent", "not true")),
      }
