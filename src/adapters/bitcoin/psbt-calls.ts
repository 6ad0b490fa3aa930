/**
 * Bitcoin Core's PSBT calls for `wallet = "bitcoind"` (Core ≥ 24 with a descriptor
 * wallet), one step per function as in wallet-calls.ts. Built from Core's RPC
 * documentation (bitcoincore.org/en/doc/26.0.0/rpc/: walletcreatefundedpsbt,
 * converttopsbt, walletprocesspsbt, finalizepsbt); no Core node runs on this machine,
 * so only the call shapes and the parsers are tested, not Core's answers.
 *
 * Two ways to get signed bytes whose inputs the executor chose:
 * - `convertToPsbt(unsigned)` → `processPsbt` → `finalizePsbt`: Core signs exactly the
 *   transaction the executor built (its inputs, outputs, change and fee), so the UTXO
 *   book's plan is what gets recorded. This is the one to use.
 * - `createFundedPsbt(inputs, outputs)` with `add_inputs: false` → `processPsbt` →
 *   `finalizePsbt`: Core computes the fee and the change itself (at `changePosition`,
 *   always after the payouts, or none when it would be dust). Core refuses the same
 *   address twice in `outputs` ("Invalid parameter, duplicated address"), so a batch
 *   paying one address twice cannot go this way; the step refuses it before asking.
 * Amounts go to Core as 8-decimal strings, which its `AmountFromValue` reads exactly.
 */
import { Data, Result } from "effect"
import { btcString, satoshisOfJsonAmount } from "./json-amount.ts"
import { SigningIncomplete, type OutPoint } from "./wallet-calls.ts"
import { isFields, isHex, MalformedAnswer, type WalletStep } from "./wallet-step.ts"

/** A payout by address, for `createFundedPsbt`. */
export interface AddressPayout {
  readonly address: string
  readonly satoshis: bigint
}

/** A funded PSBT and what Core decided: the fee, and where the change went (absent when none). */
export interface FundedPsbt {
  readonly psbt: string
  readonly fee: bigint
  readonly changePosition?: number
}

/** A PSBT after the wallet processed it: complete when every input is signed; Core ≥ 26 adds the final hex. */
export interface ProcessedPsbt {
  readonly psbt: string
  readonly complete: boolean
  readonly hex?: string
}

/** Options for `createFundedPsbt`. */
export interface FundingOptions {
  readonly changeAddress: string
  readonly feeRateSatPerVbyte: number
  readonly locktime?: number
}

/** The same address twice in one `walletcreatefundedpsbt`, which Core refuses. */
export class DuplicatePayoutAddress extends Data.TaggedError("DuplicatePayoutAddress")<{ readonly address: string }> {
  override get message() {
    return `walletcreatefundedpsbt cannot pay ${this.address} twice in one transaction; build the transaction (converttopsbt) instead`
  }
}

const malformed = (method: string, detail: string) => Result.fail(new MalformedAnswer({ method, detail }))

const base64 = /^[A-Za-z0-9+/]+={0,2}$/

/**
 * Funds a PSBT from exactly `inputs` (`add_inputs: false`) paying `outputs` in order;
 * change, if any, goes last. No BIP-125 replacement signal, as the transactions the
 * executor builds itself.
 */
export const createFundedPsbt = (
  inputs: readonly OutPoint[],
  outputs: readonly AddressPayout[],
  options: FundingOptions,
): Result.Result<WalletStep<FundedPsbt>, DuplicatePayoutAddress> => {
  const seen = new Set<string>()
  for (const o of outputs) {
    if (seen.has(o.address)) return Result.fail(new DuplicatePayoutAddress({ address: o.address }))
    seen.add(o.address)
  }
  return Result.succeed({
    call: {
      method: "walletcreatefundedpsbt",
      params: [
        inputs.map(({ txid, vout }) => ({ txid, vout })),
        outputs.map((o) => ({ [o.address]: btcString(o.satoshis) })),
        options.locktime ?? 0,
        {
          add_inputs: false,
          changeAddress: options.changeAddress,
          changePosition: outputs.length,
          fee_rate: options.feeRateSatPerVbyte,
          lockUnspents: false,
          replaceable: false,
        },
      ],
    },
    parse: (result) => {
      if (!isFields(result) || typeof result.psbt !== "string" || !base64.test(result.psbt)) return malformed("walletcreatefundedpsbt", "no psbt")
      const fee = typeof result.fee === "number" ? satoshisOfJsonAmount(result.fee) : undefined
      if (fee === undefined || typeof result.changepos !== "number") return malformed("walletcreatefundedpsbt", "no fee/changepos")
      return Result.succeed({ psbt: result.psbt, fee, ...(result.changepos >= 0 ? { changePosition: result.changepos } : {}) })
    },
  })
}

/** Wraps the executor's own unsigned transaction in a PSBT, so Core signs exactly it. */
export const convertToPsbt = (unsignedHex: string): WalletStep<string> => ({
  call: { method: "converttopsbt", params: [unsignedHex] },
  parse: (result) => (typeof result === "string" && base64.test(result) ? Result.succeed(result) : malformed("converttopsbt", "not a base64 psbt")),
})

/** Adds the wallet's input data and signs (sighash ALL), finalizing what it can. */
export const processPsbt = (psbt: string): WalletStep<ProcessedPsbt> => ({
  call: { method: "walletprocesspsbt", params: [psbt, true, "ALL", true, true] },
  parse: (result) => {
    if (!isFields(result) || typeof result.psbt !== "string" || typeof result.complete !== "boolean") return malformed("walletprocesspsbt", "no psbt/complete")
    return Result.succeed({ psbt: result.psbt, complete: result.complete, ...(isHex(result.hex) ? { hex: result.hex } : {}) })
  },
})

/** Finalizes and extracts the network transaction; `SigningIncomplete` when an input is still unsigned. */
export const finalizePsbt = (psbt: string): WalletStep<string, MalformedAnswer | SigningIncomplete> => ({
  call: { method: "finalizepsbt", params: [psbt, true] },
  parse: (result) => {
    if (!isFields(result) || typeof result.complete !== "boolean") return malformed("finalizepsbt", "no complete")
    if (!result.complete) return Result.fail(new SigningIncomplete({ missing: [] }))
    return isHex(result.hex) ? Result.succeed(result.hex) : malformed("finalizepsbt", "complete without hex")
  },
})
