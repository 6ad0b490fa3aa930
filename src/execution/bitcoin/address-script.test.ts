import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { base58CheckEncode } from "../../intake/validate/base58.ts"
import { segwitEncode } from "../../intake/validate/bech32.ts"
import { scriptForAddress } from "./address-script.ts"

const hash20 = "a0d335af2ef9a1ebd00ed0f530c4a0d27a314883"
const p2shOf = (version: number) => base58CheckEncode(new Uint8Array([version, ...Buffer.from(hash20, "hex")]))

describe("scriptForAddress", () => {
  test.each([
    // listunspent on the real btcwallet (simnet) showed this address with this scriptPubKey.
    ["simnet p2pkh (seen on btcwallet)", "SbxNAeCggkgaa84NzD8cijSNA7okDP7toz", "simnet", `76a914${hash20}88ac`],
    ["simnet p2sh", p2shOf(0x7b), "simnet", `a914${hash20}87`],
    ["mainnet p2pkh (genesis)", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "mainnet", "76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac"],
    ["BIP-173 p2wpkh, upper case", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "mainnet", "0014751e76e8199196d454941c45d1b3a323f1433bd6"],
    ["BIP-173 p2wsh on testnet", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "testnet", "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"],
    ["BIP-350 taproot", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "mainnet", "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"],
    ["simnet p2wpkh", segwitEncode("sb", 0, Buffer.from(hash20, "hex")), "simnet", `0014${hash20}`],
    ["regtest p2wpkh", segwitEncode("bcrt", 0, Buffer.from(hash20, "hex")), "regtest", `0014${hash20}`],
  ] as const)("%s", (_name, address, network, script) => {
    expect(Result.getOrThrow(scriptForAddress(address, network))).toBe(script)
  })

  test.each([
    ["a mainnet address on simnet", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "simnet", "version byte 0"],
    ["a testnet segwit address on regtest", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "regtest", "prefix tb"],
    ["a witness v2 address", "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "mainnet", "witness version 2"],
    ["a typo", "SbxNAeCggkgaa84NzD8cijSNA7okDP7tox", "simnet", "not a base58check or segwit address"],
  ] as const)("refuses %s", (_name, address, network, reason) => {
    const r = scriptForAddress(address, network)
    expect(Result.isFailure(r) && r.failure.reason).toContain(reason)
  })
})
