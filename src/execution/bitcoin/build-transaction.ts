/**
 * One signed transaction from the UTXO book: choose coins, write the unsigned bytes,
 * have the wallet sign them, and check that what came back is what was built before
 * anything is recorded. The executor records `hex` and `txid`, then broadcasts the same
 * bytes, as often as it has to.
 *
 * The check matters because the signer is another process: the signed transaction must
 * spend exactly the planned inputs, in order, and pay exactly the planned outputs, in
 * order (so payout i is vout i), or it is refused here, whatever the wallet did.
 *
 * Book bookkeeping: the plan's inputs are held while the wallet signs, released if
 * signing fails, and the signed transaction is reserved on success so the next build
 * can spend its change outputs. If recording it then fails, the executor calls `book.drop(txid)`.
 */
import { Data, Effect, Result } from "effect"
import type { PrefixSelection, SelectionError, SelectionOptions, SpendPlan } from "./coin-selection.ts"
import { decodeRawTransaction, encodeUnsignedTransaction, type DecodedTransaction, type MalformedTransaction, type OutPoint, type TxOutput } from "./raw-transaction.ts"
import { recordedSpendOf, type UtxoBook } from "./utxo-book.ts"

/** A prevout as the signer needs it. */
export interface SignerPrevout extends OutPoint {
  readonly scriptPubKey: string
  readonly satoshis: bigint
}

/** The wallet's signing step, as the executor provides it (btcwallet's signrawtransaction, or Core's PSBT calls). */
export type SignRaw<E> = (unsignedHex: string, prevouts: readonly SignerPrevout[]) => Effect.Effect<string, E>

/** A signed transaction ready to record, with the plan it carries out. */
export interface SignedTransaction {
  readonly hex: string
  readonly txid: string
  readonly decoded: DecodedTransaction
  readonly plan: SpendPlan
}

/** The signer returned a transaction other than the one built. */
export class SignedMismatch extends Data.TaggedError("SignedMismatch")<{ readonly detail: string }> {
  override get message() {
    return `the wallet signed a different transaction than the one built (${this.detail}); nothing was recorded or sent`
  }
}

/** Sequence and version of the transactions built here. */
export interface BuildOptions extends SelectionOptions {
  /** Default 2. */
  readonly version?: number
}

const sameOutputs = (a: readonly TxOutput[], b: DecodedTransaction): boolean =>
  a.length === b.outputs.length && a.every((o, i) => o.satoshis === b.outputs[i]?.satoshis && o.scriptPubKey === b.outputs[i]?.scriptPubKey)

const sameInputs = (a: readonly OutPoint[], b: DecodedTransaction): boolean =>
  a.length === b.inputs.length && a.every((o, i) => o.txid === b.inputs[i]?.txid && o.vout === b.inputs[i]?.vout)

/** Checks that `hex` is the signed form of `plan`. */
export const checkSigned = (hex: string, plan: SpendPlan): Result.Result<DecodedTransaction, MalformedTransaction | SignedMismatch> =>
  Result.flatMap(decodeRawTransaction(hex), (decoded) => {
    if (!sameInputs(plan.inputs, decoded)) return Result.fail(new SignedMismatch({ detail: "inputs differ" }))
    if (!sameOutputs(plan.outputs, decoded)) return Result.fail(new SignedMismatch({ detail: "outputs differ" }))
    return Result.succeed(decoded)
  })

/** Signs `plan` with `sign`, checks it, and reserves it in `book`; releases the inputs if anything fails. */
export const signPlan = <E>(book: UtxoBook, plan: SpendPlan, sign: SignRaw<E>, version = 2): Effect.Effect<SignedTransaction, E | MalformedTransaction | SignedMismatch> =>
  Effect.suspend(() => {
    book.hold(plan.inputs)
    return sign(encodeUnsignedTransaction({ version, inputs: plan.inputs, outputs: plan.outputs }), plan.inputs)
  }).pipe(
    Effect.flatMap((hex) => {
      const checked = checkSigned(hex, plan)
      return Result.isSuccess(checked) ? Effect.succeed({ hex, txid: checked.success.txid, decoded: checked.success, plan }) : Effect.fail(checked.failure)
    }),
    Effect.tap((signed) => Effect.sync(() => book.reserve(recordedSpendOf(signed.decoded, plan.change.map((c) => c.vout))))),
    Effect.onError(() => Effect.sync(() => book.release(plan.inputs))),
  )

/** Builds and signs one transaction paying all of `outputs` (payout i is vout i). */
export const buildSigned = <E>(
  book: UtxoBook,
  outputs: readonly TxOutput[],
  satPerVbyte: number,
  options: BuildOptions,
  sign: SignRaw<E>,
): Effect.Effect<SignedTransaction, E | SelectionError | MalformedTransaction | SignedMismatch> =>
  Effect.suspend((): Effect.Effect<SignedTransaction, E | SelectionError | MalformedTransaction | SignedMismatch> => {
    const plan = book.select(outputs, satPerVbyte, options)
    return Result.isSuccess(plan) ? signPlan(book, plan.success, sign, options.version) : Effect.fail(plan.failure)
  })

/** The batching lane's build: the longest payable prefix of `outputs`, signed; `paid[i]` is vout i. */
export interface SignedBatch {
  readonly signed?: SignedTransaction
  readonly paid: PrefixSelection["paid"]
  readonly unpaid: PrefixSelection["unpaid"]
}

/** Builds and signs one transaction paying the longest prefix of `outputs` that fits. */
export const buildSignedBatch = <E>(
  book: UtxoBook,
  outputs: readonly TxOutput[],
  satPerVbyte: number,
  options: BuildOptions,
  sign: SignRaw<E>,
): Effect.Effect<SignedBatch, E | MalformedTransaction | SignedMismatch> =>
  Effect.suspend((): Effect.Effect<SignedBatch, E | MalformedTransaction | SignedMismatch> => {
    const selection = book.selectPrefix(outputs, satPerVbyte, options)
    if (!selection.plan) return Effect.succeed({ paid: selection.paid, unpaid: selection.unpaid })
    return Effect.map(signPlan(book, selection.plan, sign, options.version), (signed) => ({ signed, paid: selection.paid, unpaid: selection.unpaid }))
  })
