/**
 * Bitcoin transactions as bytes: decode a raw transaction (legacy or segwit
 * serialization) into what the executor records and checks (its txid, the outpoints it
 * spends, its outputs with their vout), and encode the unsigned transaction the executor
 * builds from explicit inputs.
 *
 * Why the executor builds the unsigned bytes itself instead of asking the node
 * (`createrawtransaction`): btcd v0.26 takes the outputs as a JSON object and walks it as
 * a Go map, so the output order (the vout each payout gets) is random from call to call;
 * two payouts to one address collapse into one output with the last amount; and it pays
 * only p2pkh/p2sh addresses ("-5: Invalid address or key" for a bech32 one). All three
 * were seen on the real btcd. Amounts themselves would have been exact (btcd rounds
 * amount × 1e8, and 8-decimal doubles round back to the same satoshis).
 *
 * Pure: bytes in, values out; nothing here talks to a node.
 */
import { createHash } from "node:crypto"
import { Data, Result } from "effect"

/** One transaction output being spent: the transaction that made it and its index there. */
export interface OutPoint {
  readonly txid: string
  readonly vout: number
}

/** One input of a decoded transaction. */
export interface DecodedInput extends OutPoint {
  readonly scriptSig: string
  readonly witness: readonly string[]
  readonly sequence: number
}

/** One output of a decoded transaction; `vout` is its index, which a payout's record names. */
export interface DecodedOutput {
  readonly vout: number
  readonly satoshis: bigint
  readonly scriptPubKey: string
}

/** A decoded transaction, with its id and its real size (so fees can be checked after signing). */
export interface DecodedTransaction {
  readonly txid: string
  readonly version: number
  readonly inputs: readonly DecodedInput[]
  readonly outputs: readonly DecodedOutput[]
  readonly locktime: number
  readonly segwit: boolean
  /** Serialized bytes, witness included. */
  readonly size: number
  /** BIP-141 weight: 3 × the bytes without witness + all bytes. */
  readonly weight: number
  /** ceil(weight / 4), the size fees are paid on. */
  readonly vsize: number
}

/** An output to create: an amount and the script that locks it. */
export interface TxOutput {
  readonly satoshis: bigint
  readonly scriptPubKey: string
}

/** An input to spend, before it is signed. */
export interface UnsignedInput extends OutPoint {
  /** 0xffffffff (final, no replace-by-fee signal) unless said otherwise. */
  readonly sequence?: number
}

/** The transaction the executor builds and the wallet signs. */
export interface UnsignedTransaction {
  readonly version?: number
  readonly inputs: readonly UnsignedInput[]
  readonly outputs: readonly TxOutput[]
  readonly locktime?: number
}

/** The bytes given are not a transaction; `at` is the byte offset where reading failed. */
export class MalformedTransaction extends Data.TaggedError("MalformedTransaction")<{
  readonly reason: string
  readonly at: number
}> {
  override get message() {
    return `not a Bitcoin transaction: ${this.reason} at byte ${this.at}`
  }
}

/** A sequence number that neither signals replace-by-fee nor enables a lock time. */
export const finalSequence = 0xffff_ffff

const hexPattern = /^(?:[0-9a-fA-F]{2})*$/

class Reader {
  at = 0
  constructor(readonly bytes: Uint8Array) {}
  take(n: number, what: string): Uint8Array {
    if (this.at + n > this.bytes.length) throw new MalformedTransaction({ reason: `truncated ${what}`, at: this.at })
    const out = this.bytes.subarray(this.at, this.at + n)
    this.at += n
    return out
  }
  u8(what: string): number {
    return this.take(1, what)[0] ?? 0
  }
  u32(what: string): number {
    const b = this.take(4, what)
    return ((b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16) | ((b[3] ?? 0) << 24)) >>> 0
  }
  u64(what: string): bigint {
    const b = this.take(8, what)
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true)
  }
  varint(what: string): number {
    const first = this.u8(what)
    if (first < 0xfd) return first
    if (first === 0xfd) return this.u8(what) | (this.u8(what) << 8)
    if (first === 0xfe) return this.u32(what)
    const big = this.u64(what)
    if (big > BigInt(this.bytes.length)) throw new MalformedTransaction({ reason: `${what} count ${big} larger than the transaction`, at: this.at })
    return Number(big)
  }
  /** A count of items that each take at least `minBytes`, refused when it cannot fit in what is left. */
  count(what: string, minBytes: number): number {
    const n = this.varint(what)
    if (n * minBytes > this.bytes.length - this.at) throw new MalformedTransaction({ reason: `${what} count ${n} larger than the transaction`, at: this.at })
    return n
  }
  script(what: string): string {
    return toHex(this.take(this.varint(what), what))
  }
}

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")

const sha256 = (data: Uint8Array): Buffer => createHash("sha256").update(data).digest()

/** A txid as Bitcoin shows it: the double SHA-256 of the bytes without witness, byte-reversed. */
const txidOfStripped = (stripped: Uint8Array): string => Buffer.from(sha256(sha256(stripped))).reverse().toString("hex")

const decodeBytes = (bytes: Uint8Array): DecodedTransaction => {
  const r = new Reader(bytes)
  const version = r.u32("version")
  let segwit = false
  if (bytes[4] === 0x00 && bytes[5] === 0x01) {
    segwit = true
    r.take(2, "segwit marker")
  }
  const bodyStart = r.at
  const inputCount = r.count("input", 41)
  if (inputCount === 0) throw new MalformedTransaction({ reason: "no inputs", at: r.at })
  const open: { txid: string; vout: number; scriptSig: string; sequence: number }[] = []
  for (let i = 0; i < inputCount; i++) {
    const txid = Buffer.from(r.take(32, "input txid")).reverse().toString("hex")
    const vout = r.u32("input vout")
    const scriptSig = r.script("scriptSig")
    open.push({ txid, vout, scriptSig, sequence: r.u32("sequence") })
  }
  const outputCount = r.count("output", 9)
  const outputs: DecodedOutput[] = []
  for (let vout = 0; vout < outputCount; vout++) outputs.push({ vout, satoshis: r.u64("output value"), scriptPubKey: r.script("scriptPubKey") })
  const bodyEnd = r.at
  const witnesses: string[][] = open.map(() => [])
  if (segwit) {
    for (const stack of witnesses) {
      const items = r.count("witness item", 1)
      for (let j = 0; j < items; j++) stack.push(r.script("witness item"))
    }
  }
  const locktime = r.u32("locktime")
  if (r.at !== bytes.length) throw new MalformedTransaction({ reason: `${bytes.length - r.at} bytes after the locktime`, at: r.at })
  const stripped = segwit ? Buffer.concat([bytes.subarray(0, 4), bytes.subarray(bodyStart, bodyEnd), bytes.subarray(bytes.length - 4)]) : bytes
  const weight = stripped.length * 3 + bytes.length
  return {
    txid: txidOfStripped(stripped),
    version,
    inputs: open.map((input, i) => ({ ...input, witness: witnesses[i] ?? [] })),
    outputs,
    locktime,
    segwit,
    size: bytes.length,
    weight,
    vsize: Math.ceil(weight / 4),
  }
}

/** Decodes a raw transaction given as hex, legacy or segwit serialization. */
export const decodeRawTransaction = (hex: string): Result.Result<DecodedTransaction, MalformedTransaction> => {
  if (!hexPattern.test(hex)) return Result.fail(new MalformedTransaction({ reason: "not an even-length hex string", at: 0 }))
  try {
    return Result.succeed(decodeBytes(Buffer.from(hex, "hex")))
  } catch (cause) {
    if (cause instanceof MalformedTransaction) return Result.fail(cause)
    throw cause
  }
}

const writeVarint = (out: number[], n: number): void => {
  if (n < 0xfd) out.push(n)
  else if (n <= 0xffff) out.push(0xfd, n & 0xff, n >>> 8)
  else out.push(0xfe, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24)
}

const writeU32 = (out: number[], n: number): void => {
  out.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff)
}

const writeU64 = (out: number[], n: bigint): void => {
  for (let i = 0n; i < 64n; i += 8n) out.push(Number((n >> i) & 0xffn))
}

const writeHex = (out: number[], hex: string): void => {
  for (const b of Buffer.from(hex, "hex")) out.push(b)
}

/**
 * The unsigned transaction as hex: legacy serialization with empty scriptSigs, outputs
 * in the order given (so output i is vout i). Version 2 by default, as Bitcoin Core
 * builds them. The caller gives valid txids (64 hex digits) and scripts.
 */
export const encodeUnsignedTransaction = (tx: UnsignedTransaction): string => {
  const out: number[] = []
  writeU32(out, tx.version ?? 2)
  writeVarint(out, tx.inputs.length)
  for (const input of tx.inputs) {
    writeHex(out, Buffer.from(input.txid, "hex").reverse().toString("hex"))
    writeU32(out, input.vout)
    out.push(0)
    writeU32(out, input.sequence ?? finalSequence)
  }
  writeVarint(out, tx.outputs.length)
  for (const output of tx.outputs) {
    writeU64(out, output.satoshis)
    writeVarint(out, output.scriptPubKey.length / 2)
    writeHex(out, output.scriptPubKey)
  }
  writeU32(out, tx.locktime ?? 0)
  return Buffer.from(out).toString("hex")
}
