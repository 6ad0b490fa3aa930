/**
 * EIP-1559 (type 2) transactions as bytes, without ethers' `Transaction` object.
 *
 * The drain signs about a thousand transfers a second, and `Transaction.from(...)` plus
 * its getters cost more than the arithmetic they wrap: they re-validate and re-encode
 * every field each time a hash or the serialized form is read. This encoder writes the
 * RLP of [chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data,
 * accessList = []] once, reuses those field encodings for the signed form, and hashes
 * with ethers' keccak256. Its output is byte-identical to ethers' serialization (the
 * tests compare them field by field); only the access list is fixed empty, because the
 * gateway never sends one.
 */
import { Data } from "effect"
import { keccak256 } from "ethers"

/** The fields of an EIP-1559 transaction the gateway signs. */
export interface UnsignedTransaction {
  readonly chainId: number
  readonly nonce: number
  /** 0x-prefixed 20-byte hex address, any letter case: the EIP-55 checksum is the intake's check (ethers would refuse a wrong one). */
  readonly to: string
  readonly value: bigint
  /** 0x-prefixed hex call data, "0x" for a plain transfer. */
  readonly data: string
  readonly gasLimit: bigint
  readonly maxFeePerGas: bigint
  readonly maxPriorityFeePerGas: bigint
}

/** Serialized signed bytes and their hash: what is recorded before broadcast. */
export interface SignedTransaction {
  /** 0x02-prefixed, 0x-hex. */
  readonly raw: string
  /** keccak256 of `raw`, 0x-hex. */
  readonly hash: string
}

/** A field of a transaction cannot be encoded (a caller bug: the request was validated earlier). */
export class UnsignableTransaction extends Data.TaggedError("UnsignableTransaction")<{
  readonly field: keyof UnsignedTransaction
  readonly problem: string
}> {
  override get message() {
    return `cannot sign the transaction: ${this.field} ${this.problem}; validate the request before it reaches the signer`
  }
}

/** The RLP items of the unsigned fields, kept so the signed form reuses them. */
export interface EncodedFields {
  readonly items: readonly Uint8Array[]
  /** keccak256(0x02 || rlp(fields)): the digest that is signed. */
  readonly signingHash: Uint8Array
}

/** A recoverable ECDSA signature: low-S, as ethers and the chain require. */
export interface RecoverableSignature {
  readonly yParity: 0 | 1
  /** r then s, 32 bytes each, big-endian. */
  readonly rs: Uint8Array
}

const TX_TYPE = 0x02
const EMPTY_LIST = Uint8Array.of(0xc0)
const MAX_UINT256 = (1n << 256n) - 1n
const hexBody = /^0x((?:[0-9a-fA-F]{2})*)$/
const addressBody = /^0x([0-9a-fA-F]{40})$/

/** The big-endian length prefix of a long string or list. */
const lengthBytes = (n: number): number[] => {
  const out: number[] = []
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) out.unshift(rest % 256)
  return out
}

/** RLP of a byte string. */
const rlpString = (bytes: Uint8Array): Uint8Array => {
  if (bytes.length === 1 && (bytes[0] ?? 0) < 0x80) return bytes
  const header = bytes.length <= 55 ? [0x80 + bytes.length] : [0xb7 + lengthBytes(bytes.length).length, ...lengthBytes(bytes.length)]
  const out = new Uint8Array(header.length + bytes.length)
  out.set(header)
  out.set(bytes, header.length)
  return out
}

/** RLP of a list whose items are already RLP-encoded. */
const rlpList = (items: readonly Uint8Array[], prefix: number[]): Uint8Array => {
  let payload = 0
  for (const item of items) payload += item.length
  const header = payload <= 55 ? [0xc0 + payload] : [0xf7 + lengthBytes(payload).length, ...lengthBytes(payload)]
  const out = new Uint8Array(prefix.length + header.length + payload)
  out.set(prefix)
  out.set(header, prefix.length)
  let at = prefix.length + header.length
  for (const item of items) {
    out.set(item, at)
    at += item.length
  }
  return out
}

const hexBytes = (hex: string): Uint8Array => Buffer.from(hex, "hex")

/** RLP of an unsigned integer: minimal big-endian bytes, zero as the empty string. */
const rlpUint = (field: keyof UnsignedTransaction, value: bigint): Uint8Array => {
  if (value < 0n || value > MAX_UINT256) throw new UnsignableTransaction({ field, problem: "must be between 0 and 2^256-1" })
  if (value === 0n) return Uint8Array.of(0x80)
  const hex = value.toString(16)
  return rlpString(hexBytes(hex.length % 2 === 0 ? hex : `0${hex}`))
}

const rlpSafeInteger = (field: keyof UnsignedTransaction, value: number, min: number): Uint8Array => {
  if (!Number.isSafeInteger(value) || value < min) throw new UnsignableTransaction({ field, problem: `must be a whole number of at least ${min}` })
  return rlpUint(field, BigInt(value))
}

/** RLP of a big-endian integer given as bytes: leading zeros dropped, as ethers' `toBeArray` does. */
const rlpUintBytes = (bytes: Uint8Array): Uint8Array => {
  let start = 0
  while (start < bytes.length && bytes[start] === 0) start++
  return rlpString(bytes.subarray(start))
}

const keccakBytes = (bytes: Uint8Array): Uint8Array => hexBytes(keccak256(bytes).slice(2))

/** Encodes the unsigned fields and the digest to sign. Throws `UnsignableTransaction` on a malformed field. */
export const encodeUnsigned = (tx: UnsignedTransaction): EncodedFields => {
  const to = addressBody.exec(tx.to)?.[1]
  if (to === undefined) throw new UnsignableTransaction({ field: "to", problem: "must be a 0x-prefixed 20-byte hex address" })
  const data = hexBody.exec(tx.data)?.[1]
  if (data === undefined) throw new UnsignableTransaction({ field: "data", problem: "must be 0x-prefixed hex of whole bytes" })
  const items = [
    rlpSafeInteger("chainId", tx.chainId, 1),
    rlpSafeInteger("nonce", tx.nonce, 0),
    rlpUint("maxPriorityFeePerGas", tx.maxPriorityFeePerGas),
    rlpUint("maxFeePerGas", tx.maxFeePerGas),
    rlpUint("gasLimit", tx.gasLimit),
    rlpString(hexBytes(to)),
    rlpUint("value", tx.value),
    rlpString(hexBytes(data)),
    EMPTY_LIST,
  ]
  return { items, signingHash: keccakBytes(rlpList(items, [TX_TYPE])) }
}

/** The signed form of `fields` under `signature`, and its hash. */
export const encodeSigned = (fields: EncodedFields, signature: RecoverableSignature): SignedTransaction => {
  const signed = rlpList(
    [...fields.items, signature.yParity === 0 ? Uint8Array.of(0x80) : Uint8Array.of(0x01), rlpUintBytes(signature.rs.subarray(0, 32)), rlpUintBytes(signature.rs.subarray(32, 64))],
    [TX_TYPE],
  )
  return { raw: `0x${Buffer.from(signed.buffer, signed.byteOffset, signed.length).toString("hex")}`, hash: keccak256(signed) }
}
