/**
 * What an address looks like on each Bitcoin network the gateway can be pointed at:
 * the base58 version bytes for p2pkh and p2sh, and the segwit human-readable part.
 * testnet and regtest share version bytes but not the segwit prefix.
 */

/** The networks `bitcoinNetwork` may name (btcd's simnet is the local stack's). */
export type BitcoinNetwork = "mainnet" | "testnet" | "regtest" | "simnet"

/** The address parameters of one network. */
export interface NetworkParams {
  readonly p2pkh: number
  readonly p2sh: number
  readonly hrp: string
}

/** Address parameters by network. */
export const networkParams: Readonly<Record<BitcoinNetwork, NetworkParams>> = {
  mainnet: { p2pkh: 0x00, p2sh: 0x05, hrp: "bc" },
  testnet: { p2pkh: 0x6f, p2sh: 0xc4, hrp: "tb" },
  regtest: { p2pkh: 0x6f, p2sh: 0xc4, hrp: "bcrt" },
  simnet: { p2pkh: 0x3f, p2sh: 0x7b, hrp: "sb" },
}

const networks = Object.keys(networkParams) as BitcoinNetwork[]

/** The networks a base58 version byte belongs to, e.g. "testnet/regtest", for telling a user where an address is from. */
export const networksOfVersion = (version: number): string | undefined => {
  const found = networks.filter((n) => networkParams[n].p2pkh === version || networkParams[n].p2sh === version)
  return found.length > 0 ? found.join("/") : undefined
}

/** The network a segwit prefix belongs to, if any. */
export const networkOfHrp = (hrp: string): BitcoinNetwork | undefined => networks.find((n) => networkParams[n].hrp === hrp)

const hex = (byte: number): string => `0x${byte.toString(16).padStart(2, "0")}`

/** "version 0x3f (p2pkh) or 0x7b (p2sh)", for messages. */
export const describeVersions = (params: NetworkParams): string => `version ${hex(params.p2pkh)} (p2pkh) or ${hex(params.p2sh)} (p2sh)`

/** A byte as `0x..`, for messages. */
export const hexByte = hex
