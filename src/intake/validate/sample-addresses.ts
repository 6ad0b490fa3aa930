/**
 * Valid addresses for every network, built with this folder's own encoders from fixed
 * hashes. Tests use them, and the OpenAPI document shows them as examples, so both
 * always agree with what the validator accepts.
 */
import { base58CheckEncode } from "./base58.ts"
import { segwitEncode } from "./bech32.ts"
import { networkParams, type BitcoinNetwork } from "./bitcoin-network.ts"

/** One address of each kind on one network. */
export interface SampleAddresses {
  readonly p2pkh: string
  readonly p2sh: string
  readonly p2wpkh: string
  readonly p2wsh: string
  readonly p2tr: string
}

/** Distinct for every seed below 2^32: the seed's bytes lead, a fixed pattern follows. */
const hash = (length: number, seed: number) => new Uint8Array(length).map((_, i) => (i < 4 ? (seed >>> (8 * (3 - i))) & 0xff : (i * 37 + length) & 0xff))
const hash20 = (seed: number) => hash(20, seed)
const hash32 = (seed: number) => hash(32, seed)

/** Builds distinct sample addresses for `network`; `seed` varies the hashes. */
export const sampleAddresses = (network: BitcoinNetwork, seed = 1): SampleAddresses => {
  const p = networkParams[network]
  return {
    p2pkh: base58CheckEncode(new Uint8Array([p.p2pkh, ...hash20(seed)])),
    p2sh: base58CheckEncode(new Uint8Array([p.p2sh, ...hash20(seed + 1)])),
    p2wpkh: segwitEncode(p.hrp, 0, hash20(seed + 2)),
    p2wsh: segwitEncode(p.hrp, 0, hash32(seed + 3)),
    p2tr: segwitEncode(p.hrp, 1, hash32(seed + 4)),
  }
}
