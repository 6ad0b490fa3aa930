/**
 * Checks the params of the three Ethereum request kinds: a native `transfer`, a
 * contract `call` by ABI fragment, and a client-signed `raw` transaction. The sender is
 * the lower-cased `from` (or the recovered signer), so one account's transactions stay
 * in nonce order in one partition.
 */
import { checkEthereumAddress, encodeFunctionCall, parseSignedTransaction } from "../../adapters/ethereum-codec.ts"
import { childPath, indexPath, type ErrorList } from "./field-error.ts"
import { checkFields, shapeRules, stringField, type JsonObject } from "./object-shape.ts"
import type { ValidationContext, ValidRequest } from "./validation-context.ts"

/** The Ethereum methods the intake accepts. */
export const ethereumMethods = ["transfer", "call", "raw"] as const

/** One of `ethereumMethods`. */
export type EthereumMethod = (typeof ethereumMethods)[number]

/** The rule names, shared with tests and the OpenAPI description. */
export const ethereumRules = {
  address: "hex address",
  checksum: "EIP-55 checksum",
  integer: "decimal integer string",
  below256: "below 2^256",
  gasPositive: "greater than 0",
  below64: "below 2^64",
  fragment: "function fragment",
  argCount: "args match abi inputs",
  argEncode: "encodes against abi",
  hex: "hex string",
  parse: "parses as a transaction",
  signed: "signed",
  chainId: (id: number) => `chain id ${id}`,
} as const

const decimalInteger = /^(0|[1-9][0-9]*)$/
const hexBytes = /^0x([0-9a-fA-F]{2})+$/

const address = (obj: JsonObject, key: string, path: string, errors: ErrorList): string | undefined => {
  const text = stringField(obj, key, path, errors)
  if (text === undefined) return undefined
  const checked = checkEthereumAddress(text)
  if (checked.ok) return text
  const at = childPath(path, key)
  return checked.problem === "format"
    ? errors.add(at, ethereumRules.address, "must be 0x followed by 40 hex digits (20 bytes)", text)
    : errors.add(at, ethereumRules.checksum, "mixed-case address fails its EIP-55 checksum, so it has a typo; copy it again from its source", text)
}

/** An unsigned integer as a decimal string, below `2^bits`; `null` when absent and optional. */
const uint = (obj: JsonObject, key: string, path: string, bits: 256 | 64, errors: ErrorList, positive = false): string | null | undefined => {
  const value = obj[key]
  if (value === undefined) return null
  const at = childPath(path, key)
  if (typeof value !== "string" || !decimalInteger.test(value)) {
    const why = typeof value === "number" ? "; JSON numbers lose precision above 2^53, so send it as a string" : ""
    return errors.add(at, ethereumRules.integer, `must be a decimal integer string such as "1000000000000000000"${why}`, value)
  }
  const n = BigInt(value)
  if (positive && n === 0n) return errors.add(at, ethereumRules.gasPositive, "must be greater than 0", value)
  if (n >= 1n << BigInt(bits)) return errors.add(at, bits === 256 ? ethereumRules.below256 : ethereumRules.below64, `must be below 2^${bits}`, value)
  return value
}

const callData = (obj: JsonObject, path: string, errors: ErrorList): { abi: string; args: readonly unknown[] } | undefined => {
  const abi = stringField(obj, "abi", path, errors)
  const args = obj.args
  const argsPath = childPath(path, "args")
  if (args !== undefined && !Array.isArray(args)) return errors.add(argsPath, shapeRules.array, "must be a JSON array of the function's arguments", args)
  if (abi === undefined || args === undefined) return undefined
  const encoded = encodeFunctionCall(abi, args)
  if (encoded.ok) return { abi, args }
  if (encoded.fragmentProblem !== undefined) {
    return errors.add(childPath(path, "abi"), ethereumRules.fragment, `must be one function fragment such as "function transfer(address to, uint256 amount)" (${encoded.fragmentProblem})`, abi)
  }
  const arg = encoded.argument
  if (arg === undefined || arg.index < 0) return errors.add(argsPath, ethereumRules.argCount, arg?.problem ?? "do not match the function's inputs", args)
  return errors.add(indexPath(argsPath, arg.index), ethereumRules.argEncode, `cannot be encoded as ${arg.problem}`, args[arg.index])
}

const raw = (obj: JsonObject, path: string, ctx: ValidationContext, errors: ErrorList): { tx: string; from: string } | undefined => {
  const tx = stringField(obj, "tx", path, errors)
  if (tx === undefined) return undefined
  const at = childPath(path, "tx")
  if (!hexBytes.test(tx)) return errors.add(at, ethereumRules.hex, "must be the signed transaction as 0x-prefixed hex bytes", tx)
  const parsed = parseSignedTransaction(tx)
  if (!parsed.ok) {
    return parsed.problem.kind === "unsigned"
      ? errors.add(at, ethereumRules.signed, "is not signed; sign it first, or send a transfer/call and let the gateway sign", tx)
      : errors.add(at, ethereumRules.parse, `is not a serialized transaction (${parsed.problem.problem})`, tx)
  }
  const chainId = parsed.value.chainId
  if (chainId !== BigInt(ctx.ethereumChainId)) {
    const signedFor = chainId === 0n ? "is signed without a chain id (no EIP-155 replay protection)" : `is signed for chain ${chainId}`
    return errors.add(at, ethereumRules.chainId(ctx.ethereumChainId), `${signedFor}; this gateway's chain is ${ctx.ethereumChainId}, so sign it for that chain`, tx)
  }
  return { tx, from: parsed.value.from }
}

const fieldsOf: Record<EthereumMethod, readonly [readonly string[], readonly string[]]> = {
  transfer: [["from", "to", "value"], ["gas_limit"]],
  call: [["from", "to", "abi", "args"], ["value", "gas_limit"]],
  raw: [["tx"], []],
}

/** Checks the params of an Ethereum request; answers the normalised request or `undefined` (errors recorded). */
export const validateEthereum = (method: EthereumMethod, params: JsonObject, path: string, ctx: ValidationContext, errors: ErrorList): ValidRequest | undefined => {
  const before = errors.size
  const [required, optional] = fieldsOf[method]
  checkFields(params, path, errors, `ethereum ${method} params`, required, optional)
  if (method === "raw") {
    const signed = raw(params, path, ctx, errors)
    return errors.size === before && signed ? { sender: signed.from, body: { chain: "ethereum", method, params: { tx: signed.tx } } } : undefined
  }
  const from = address(params, "from", path, errors)
  const to = address(params, "to", path, errors)
  const value = uint(params, "value", path, 256, errors)
  const gas = uint(params, "gas_limit", path, 64, errors, true)
  const gasLimit = typeof gas === "string" ? { gas_limit: gas } : {}
  if (method === "transfer") {
    if (errors.size !== before || from === undefined || to === undefined || typeof value !== "string") return undefined
    return { sender: from.toLowerCase(), body: { chain: "ethereum", method, params: { from, to, value, ...gasLimit } } }
  }
  const call = callData(params, path, errors)
  if (errors.size !== before || from === undefined || to === undefined || call === undefined) return undefined
  const withValue = typeof value === "string" ? { value } : {}
  return { sender: from.toLowerCase(), body: { chain: "ethereum", method, params: { from, to, abi: call.abi, args: call.args, ...withValue, ...gasLimit } } }
}
