/**
 * Typed builders for the intake's request bodies, one per method, so a client never
 * hand-writes the JSON of the README's curl example. Amounts stay exact: Bitcoin amounts
 * are decimal strings (or whole satoshis as a bigint), Ether values are wei as a bigint
 * or a decimal string. The intake validates every field again and names what is wrong;
 * these builders only refuse what cannot be meant (a negative or fractional amount).
 */
import type { BtcAmount, EthContractCall, EthRawTransaction, EthTransfer, RequestBody, SendFrom, SendMany, SendToAddress } from "../../domain/request.ts"

export type { RequestBody } from "../../domain/request.ts"

/** Satoshis per bitcoin. */
const SATS_PER_BTC = 100_000_000n

/** A Bitcoin amount from whole satoshis, as the 8-place decimal string the intake takes: 150000000n → "1.5". */
export const btcFromSats = (sats: bigint): BtcAmount => {
  if (sats <= 0n) throw new RangeError(`a Bitcoin amount must be more than 0 satoshis; got ${sats}`)
  const whole = sats / SATS_PER_BTC
  const fraction = (sats % SATS_PER_BTC).toString().padStart(8, "0").replace(/0+$/, "")
  return fraction === "" ? whole.toString() : `${whole}.${fraction}`
}

/** An amount as the intake takes it: a decimal string as is, satoshis converted. */
const btcAmount = (amount: BtcAmount | bigint): BtcAmount => (typeof amount === "bigint" ? btcFromSats(amount) : amount)

/** Wei as a decimal string; a bigint must not be negative. */
const wei = (value: bigint | string): string => {
  if (typeof value === "string") return value
  if (value < 0n) throw new RangeError(`a value in wei must not be negative; got ${value}`)
  return value.toString()
}

/** Bitcoin Core's methods, named as the intake names them. */
export const bitcoin = {
  /** Pays `amount` to `address` from the wallet's default account. */
  sendToAddress: (address: string, amount: BtcAmount | bigint): SendToAddress => ({ chain: "bitcoin", method: "sendtoaddress", params: { address, amount: btcAmount(amount) } }),
  /** Pays `amount` to `address` from `account` (paper A's call). */
  sendFrom: (account: string, address: string, amount: BtcAmount | bigint, minconf?: number): SendFrom => ({
    chain: "bitcoin",
    method: "sendfrom",
    params: { account, address, amount: btcAmount(amount), ...(minconf === undefined ? {} : { minconf }) },
  }),
  /** One transaction paying every address its amount from `account` (payroll). */
  sendMany: (account: string, amounts: Readonly<Record<string, BtcAmount | bigint>>, minconf?: number): SendMany => ({
    chain: "bitcoin",
    method: "sendmany",
    params: { account, amounts: Object.fromEntries(Object.entries(amounts).map(([address, amount]) => [address, btcAmount(amount)])), ...(minconf === undefined ? {} : { minconf }) },
  }),
} as const

/** Ethereum methods: the gateway signs `transfer` and `call` with the sender's key; `raw` is signed by the client. */
export const ethereum = {
  /** Sends `value` wei from `from` to `to`. */
  transfer: (args: { readonly from: string; readonly to: string; readonly value: bigint | string; readonly gasLimit?: bigint | string }): EthTransfer => ({
    chain: "ethereum",
    method: "transfer",
    params: { from: args.from, to: args.to, value: wei(args.value), ...(args.gasLimit === undefined ? {} : { gas_limit: wei(args.gasLimit) }) },
  }),
  /** Calls `abi` (one function fragment, e.g. `function transfer(address to, uint256 amount)`) on `to` with `args`. */
  call: (args: {
    readonly from: string
    readonly to: string
    readonly abi: string
    readonly args: ReadonlyArray<unknown>
    readonly value?: bigint | string
    readonly gasLimit?: bigint | string
  }): EthContractCall => ({
    chain: "ethereum",
    method: "call",
    params: {
      from: args.from,
      to: args.to,
      abi: args.abi,
      // bigints do not survive JSON; the intake reads integer arguments from decimal strings.
      args: args.args.map((a) => (typeof a === "bigint" ? a.toString() : a)),
      ...(args.value === undefined ? {} : { value: wei(args.value) }),
      ...(args.gasLimit === undefined ? {} : { gas_limit: wei(args.gasLimit) }),
    },
  }),
  /** Passes a client-signed transaction (0x hex) through unchanged. */
  raw: (tx: string): EthRawTransaction => ({ chain: "ethereum", method: "raw", params: { tx } }),
} as const

/** True for any body the builders make; for code that takes bodies from elsewhere. */
export const isRequestBody = (value: unknown): value is RequestBody =>
  typeof value === "object" && value !== null && "chain" in value && "method" in value && "params" in value
