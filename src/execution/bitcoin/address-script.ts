/**
 * The output script an address stands for, so the executor can write payouts into the
 * transaction it builds itself (see raw-transaction.ts for why it does not ask the node).
 * The intake has already checked each address against the configured network; this
 * checks again, because paying a script built from a wrong-network address loses coins.
 *
 * Reuses the intake's base58check and bech32 codecs and network table, which are pure.
 */
import { Data, Result } from "effect"
import { base58CheckDecode } from "../../intake/validate/base58.ts"
import { segwitDecode } from "../../intake/validate/bech32.ts"
import { networkParams, type BitcoinNetwork } from "../../intake/validate/bitcoin-network.ts"

/** The address cannot be paid on this network. */
export class UnpayableAddress extends Data.TaggedError("UnpayableAddress")<{
  readonly address: string
  readonly network: BitcoinNetwork
  readonly reason: string
}> {
  override get message() {
    return `cannot pay ${this.address} on ${this.network}: ${this.reason}`
  }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex")

const push = (bytes: Uint8Array): string => `${bytes.length.toString(16).padStart(2, "0")}${hex(bytes)}`

/** OP_0 for version 0, OP_1..OP_16 (0x51..0x60) for the others. */
const witnessVersionOp = (version: number): string => (version === 0 ? "00" : (0x50 + version).toString(16))

const fromBase58 = (address: string, network: BitcoinNetwork): Result.Result<string, UnpayableAddress> | undefined => {
  const decoded = base58CheckDecode(address)
  if (!decoded.ok || decoded.payload.length !== 21) return undefined
  const version = decoded.payload[0]
  const hash = decoded.payload.subarray(1)
  const params = networkParams[network]
  if (version === params.p2pkh) return Result.succeed(`76a9${push(hash)}88ac`)
  if (version === params.p2sh) return Result.succeed(`a9${push(hash)}87`)
  return Result.fail(new UnpayableAddress({ address, network, reason: `base58 version byte ${version} is not ${network}'s` }))
}

/** The scriptPubKey (hex) that pays `address` on `network`: p2pkh, p2sh, or a segwit v0/v1 program. */
export const scriptForAddress = (address: string, network: BitcoinNetwork): Result.Result<string, UnpayableAddress> => {
  // "sb1…" can be a simnet p2sh in base58 as well as a segwit prefix: a valid base58check wins, as in the intake.
  const base58 = fromBase58(address, network)
  if (base58 !== undefined) return base58
  const segwit = segwitDecode(address)
  if (!segwit.ok) return Result.fail(new UnpayableAddress({ address, network, reason: `not a base58check or segwit address (${segwit.problem.kind})` }))
  const { hrp, version, program } = segwit.value
  if (hrp !== networkParams[network].hrp) return Result.fail(new UnpayableAddress({ address, network, reason: `segwit prefix ${hrp} is not ${network}'s` }))
  if (version > 1 || (version === 1 && program.length !== 32)) {
    return Result.fail(new UnpayableAddress({ address, network, reason: `witness version ${version} with a ${program.length}-byte program has no spending rules` }))
  }
  return Result.succeed(`${witnessVersionOp(version)}${push(program)}`)
}
