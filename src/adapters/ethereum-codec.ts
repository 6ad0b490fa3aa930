/**
 * The pure side of ethers, for the intake's validation: address checksums, ABI
 * fragments and argument encoding, and parsing client-signed transactions. Kept apart
 * from `ethereum.ts` (providers, RPC) so validation never pulls in a network client,
 * and so ethers stays behind `src/adapters/`. Every function answers a plain result
 * with the problem in words instead of throwing ethers' errors.
 */
import { AbiCoder, FunctionFragment, getAddress, ParamType, Transaction } from "ethers"
import { describe } from "./errors.ts"

type CodecResult<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly problem: string }

interface EthersErrorShape {
  readonly shortMessage?: unknown
}

/** ethers' own short message (without the `(argument=…, code=…, version=…)` tail) when it has one. */
const ethersProblem = (cause: unknown): string => {
  const short = typeof cause === "object" && cause !== null ? (cause as EthersErrorShape).shortMessage : undefined
  return typeof short === "string" && short.length > 0 ? short : describe(cause).replace(/ \(argument=.*$/, "")
}

const hexAddress = /^0x[0-9a-fA-F]{40}$/

/**
 * Remembers recent answers, since a batch repeats the same sender, token contract and
 * fragment thousands of times and keccak/fragment parsing dominate validation. Cleared
 * when full rather than LRU: cheap, and a miss only costs a recomputation.
 */
const memo = <A>(limit: number, compute: (key: string) => A): ((key: string) => A) => {
  const seen = new Map<string, A>()
  return (key) => {
    const hit = seen.get(key)
    if (hit !== undefined) return hit
    if (seen.size >= limit) seen.clear()
    const value = compute(key)
    seen.set(key, value)
    return value
  }
}

const checksummed = memo(10_000, (lower: string) => getAddress(lower))

/** How an Ethereum address string failed, so the intake can name the rule it broke. */
export type AddressProblem = "format" | "checksum"

/**
 * Checks a 20-byte hex address. All-lower or all-upper hex carries no checksum and is
 * accepted; mixed case must match EIP-55, since a typo in a mixed-case address is then
 * caught before money moves. Answers the lower-cased address (the form used in keys).
 */
export const checkEthereumAddress = (text: string): { readonly ok: true; readonly lower: string } | { readonly ok: false; readonly problem: AddressProblem } => {
  if (!hexAddress.test(text)) return { ok: false, problem: "format" }
  const digits = text.slice(2)
  const mixed = digits !== digits.toLowerCase() && digits !== digits.toUpperCase()
  const lower = `0x${digits.toLowerCase()}`
  if (mixed && checksummed(lower) !== `0x${digits}`) return { ok: false, problem: "checksum" }
  return { ok: true, lower }
}

/** Parses a human-readable function fragment; events, errors and constructors are refused. */
const parseFragment = memo(1_000, (abi: string): CodecResult<{ readonly fragment: FunctionFragment; readonly selector: string }> => {
  try {
    const fragment = FunctionFragment.from(abi.trim())
    return { ok: true, value: { fragment, selector: fragment.selector } }
  } catch (cause) {
    return { ok: false, problem: ethersProblem(cause) }
  }
})

/**
 * ethers encodes any truthy value as `true` for a `bool`, so the string "false" would
 * become true. A bool argument must therefore be a JSON boolean; this walks arrays and
 * tuples to find one that is not.
 */
const boolProblem = (param: ParamType, value: unknown): string | undefined => {
  if (param.baseType === "bool") return typeof value === "boolean" ? undefined : "a bool must be true or false (JSON booleans, not strings or numbers)"
  if (param.isArray() && Array.isArray(value)) {
    for (const item of value) {
      const found = boolProblem(param.arrayChildren, item)
      if (found) return found
    }
  }
  if (param.isTuple() && Array.isArray(value)) {
    for (const [i, component] of param.components.entries()) {
      const found = boolProblem(component, value[i])
      if (found) return found
    }
  }
  return undefined
}

const label = (input: ParamType): string => `${input.name ? `${input.name} ` : ""}(${input.format("sighash")})`

/** Where an argument list failed to encode: the argument index (or -1 for the count) and why. */
export interface ArgumentProblem {
  readonly index: number
  readonly problem: string
}

/**
 * Encodes call data for `abi` with `args`. When that fails, each argument is encoded on
 * its own so the error can point at `args[i]`. Answers the 0x-prefixed call data.
 */
export const encodeFunctionCall = (
  abi: string,
  args: readonly unknown[],
): { readonly ok: true; readonly data: string } | { readonly ok: false; readonly fragmentProblem?: string; readonly argument?: ArgumentProblem } => {
  const parsed = parseFragment(abi)
  if (!parsed.ok) return { ok: false, fragmentProblem: parsed.problem }
  const { fragment, selector } = parsed.value
  const inputs = fragment.inputs
  if (inputs.length !== args.length) {
    return { ok: false, argument: { index: -1, problem: `${fragment.format("sighash")} takes ${inputs.length} argument(s); got ${args.length}` } }
  }
  const coder = AbiCoder.defaultAbiCoder()
  for (const [i, input] of inputs.entries()) {
    const strict = boolProblem(input, args[i])
    if (strict) return { ok: false, argument: { index: i, problem: `${label(input)}: ${strict}` } }
  }
  try {
    return { ok: true, data: selector + coder.encode(inputs, [...args]).slice(2) }
  } catch (whole) {
    // Encode each argument on its own to say which one is wrong.
    for (const [i, input] of inputs.entries()) {
      try {
        coder.encode([input], [args[i]])
      } catch (cause) {
        return { ok: false, argument: { index: i, problem: `${label(input)}: ${ethersProblem(cause)}` } }
      }
    }
    return { ok: false, argument: { index: -1, problem: ethersProblem(whole) } }
  }
}

/** What the intake needs from a client-signed transaction. */
export interface SignedTransactionInfo {
  /** The signer, recovered from the signature, lower-cased. */
  readonly from: string
  readonly nonce: number
  /** 0 for a legacy transaction signed without EIP-155 replay protection. */
  readonly chainId: bigint
  readonly hash: string
}

/** Why a raw transaction was refused. */
export type RawTransactionProblem = { readonly kind: "parse"; readonly problem: string } | { readonly kind: "unsigned" }

/** Parses serialized transaction bytes (legacy, EIP-2930, EIP-1559, …) and recovers the signer. */
export const parseSignedTransaction = (
  hex: string,
): { readonly ok: true; readonly value: SignedTransactionInfo } | { readonly ok: false; readonly problem: RawTransactionProblem } => {
  try {
    const tx = Transaction.from(hex)
    // `from` recovers the signer, which throws for a signature that is not on the curve.
    if (!tx.isSigned() || tx.from === null || tx.hash === null) return { ok: false, problem: { kind: "unsigned" } }
    return { ok: true, value: { from: tx.from.toLowerCase(), nonce: tx.nonce, chainId: tx.chainId, hash: tx.hash } }
  } catch (cause) {
    return { ok: false, problem: { kind: "parse", problem: ethersProblem(cause) } }
  }
}

/** The fields a replacement keeps from the transaction it replaces. */
export interface ReplaceableFields {
  readonly to: string
  readonly value: bigint
  readonly data: string
  readonly gasLimit: bigint
  readonly nonce: number
}

/** Reads the fields a fee bump re-signs from recorded bytes; undefined for bytes that do not parse or create a contract. */
export const replaceableFields = (raw: string): ReplaceableFields | undefined => {
  try {
    const tx = Transaction.from(raw)
    if (tx.to === null) return undefined
    return { to: tx.to, value: tx.value, data: tx.data, gasLimit: tx.gasLimit, nonce: tx.nonce }
  } catch {
    return undefined
  }
}
