/**
 * The gateway's Ethereum keys, as signers of EIP-1559 transactions.
 *
 * Signing sits on the drain's hot path: at about a thousand transfers a second on two
 * cores shared with anvil and Kafka, ethers' `Transaction` plus `SigningKey` (~450 µs a
 * transaction) would take most of a core. This module encodes with the lean encoder of
 * `eip1559-encoding.ts` and signs with libsecp256k1 when it loads (`auto`, the default),
 * else with ethers' curve; both produce the bytes `Wallet.signTransaction` produces, so
 * which one ran never changes a recorded transaction. Private keys are parsed here and
 * live only in the signers' closures: no field, log line or error message carries one.
 */
import { Data } from "effect"
import { computeAddress } from "ethers"
import { encodeSigned, encodeUnsigned, type SignedTransaction, type UnsignedTransaction } from "./eip1559-encoding.ts"
import { jsSigningBackend } from "./secp256k1-js.ts"
import { loadNativeSecp256k1 } from "./secp256k1-native.ts"
import { type NativeUnavailable, resolveSigningBackend, type SignerBackendChoice, type SigningBackend, verifiedAgainst } from "./signing-backend.ts"

export type { SignedTransaction, UnsignedTransaction } from "./eip1559-encoding.ts"
export { UnsignableTransaction } from "./eip1559-encoding.ts"
export type { SignerBackendChoice } from "./signing-backend.ts"
export { NativeSignerUnavailable } from "./signing-backend.ts"

/** A key the gateway holds, by its address. The private key never leaves this module. */
export interface EthereumSigner {
  /** The address, lower-cased. */
  readonly address: string
  /** Signs offline and synchronously; throws `UnsignableTransaction` on a malformed field. */
  readonly sign: (tx: UnsignedTransaction) => SignedTransaction
}

/** A key in the Ethereum key list is not a valid 32-byte hex private key. Names its position, never the key. */
export class BadSigningKey extends Data.TaggedError("BadSigningKey")<{ readonly position: number }> {
  override get message() {
    return `key #${this.position + 1} in the Ethereum key list is not a 0x-prefixed 32-byte hex private key; fix the environment variable named by [chains.ethereum].keystore_env`
  }
}

const privateKeyPattern = /^0x[0-9a-fA-F]{64}$/

let nativeOutcome: SigningBackend | NativeUnavailable | undefined

/** libsecp256k1, loaded and checked against ethers once per process, on first need. */
const nativeBackend = (): SigningBackend | NativeUnavailable => (nativeOutcome ??= verifiedAgainst(loadNativeSecp256k1(), jsSigningBackend))

/** The backend `auto` signs with in this process: "native" when libsecp256k1 loaded and agreed with ethers, else "js". */
export const activeSignerBackend = (): "native" | "js" => resolveSigningBackend("auto", nativeBackend(), jsSigningBackend).name

/** One signer; throws `BadSigningKey` when `key` is not a private key of the curve (zero, or not below its order). */
const signerFor = (key: string, position: number, backend: SigningBackend): EthereumSigner => {
  if (!privateKeyPattern.test(key)) throw new BadSigningKey({ position })
  let address: string
  try {
    address = computeAddress(key).toLowerCase()
  } catch {
    // ethers' message is dropped on purpose: this error must not carry anything of the key.
    throw new BadSigningKey({ position })
  }
  const signDigest = backend.forKey(Buffer.from(key.slice(2), "hex"))
  return {
    address,
    sign: (tx) => {
      const fields = encodeUnsigned(tx)
      return encodeSigned(fields, signDigest(fields.signingHash))
    },
  }
}

/**
 * Signers from a comma-separated list of private keys on a given backend; for callers
 * that resolved one themselves (tests, the compiled-binary check). Throws `BadSigningKey`.
 */
export const signersWithBackend = (list: string, backend: SigningBackend): ReadonlyMap<string, EthereumSigner> => {
  const signers = new Map<string, EthereumSigner>()
  list
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "")
    .forEach((key, position) => {
      const signer = signerFor(key, position, backend)
      signers.set(signer.address, signer)
    })
  return signers
}

/**
 * Builds signers from a comma-separated list of private keys (the environment variable
 * the config names). Signing is synchronous and offline: no node is asked anything.
 * Throws `BadSigningKey` for a malformed key, and `NativeSignerUnavailable` when
 * `backend` is "native" and libsecp256k1 cannot be used.
 */
export const signersFromKeyList = (list: string, backend: SignerBackendChoice = "auto"): ReadonlyMap<string, EthereumSigner> =>
  signersWithBackend(list, resolveSigningBackend(backend, nativeBackend(), jsSigningBackend))
