import { describe, expect, test } from "bun:test"
import { addressRules, checkBitcoinAddress } from "./bitcoin-address.ts"
import type { BitcoinNetwork } from "./bitcoin-network.ts"
import { sampleAddresses } from "./sample-addresses.ts"

const networks: readonly BitcoinNetwork[] = ["mainnet", "testnet", "regtest", "simnet"]

describe("checkBitcoinAddress accepts each network's own addresses", () => {
  for (const network of networks) {
    for (const [kind, address] of Object.entries(sampleAddresses(network))) {
      test(`${network} ${kind} ${address}`, () => expect(checkBitcoinAddress(address, network)).toEqual({ ok: true, address }))
    }
  }
  test.each([
    ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "mainnet"],
    ["3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "mainnet"],
    ["mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "testnet"],
    ["2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc", "regtest"],
    ["bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "mainnet"],
    ["tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "testnet"],
  ] as const)("published address %s on %s", (address, network) => expect(checkBitcoinAddress(address, network).ok).toBe(true))
  test("an upper-case segwit address is accepted and published lower-case", () => {
    const a = sampleAddresses("simnet").p2wpkh
    expect(checkBitcoinAddress(a.toUpperCase(), "simnet")).toEqual({ ok: true, address: a })
  })
})

describe("checkBitcoinAddress refuses", () => {
  const sim = sampleAddresses("simnet")
  const cases: ReadonlyArray<readonly [string, string, BitcoinNetwork, string, RegExp]> = [
    ["a mainnet p2pkh on simnet", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "simnet", addressRules.version("simnet"), /mainnet address .* 0x3f \(p2pkh\) or 0x7b \(p2sh\)/],
    ["a testnet p2sh on mainnet", "2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc", "mainnet", addressRules.version("mainnet"), /testnet\/regtest address/],
    ["a simnet address on regtest", sim.p2pkh, "regtest", addressRules.version("regtest"), /simnet address/],
    ["a typo in base58", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "mainnet", addressRules.base58Checksum, /typo/],
    ["a testnet segwit address on regtest", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "regtest", addressRules.hrp("regtest"), /testnet address \(prefix tb1\).*bcrt1/],
    ["a mainnet segwit address on simnet", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "simnet", addressRules.hrp("simnet"), /start with sb1/],
    ["a typo in bech32", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "mainnet", addressRules.bech32Checksum, /typo/],
    ["mixed case bech32", "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7", "testnet", addressRules.bech32Case, /lower-case/],
    ["bech32 for a v1 program", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "mainnet", addressRules.variant, /bech32m/],
    ["a future witness version", "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "mainnet", addressRules.witnessVersion, /anyone could take/],
    ["a v1 program that is not 32 bytes", "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "mainnet", addressRules.witnessVersion, /40-byte/],
    ["a v0 program of 16 bytes", "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "mainnet", addressRules.program, /cannot be 16 bytes/],
    ["an Ethereum address", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "simnet", addressRules.format, /not a Bitcoin address/],
    ["an empty string", "", "simnet", addressRules.format, /not a Bitcoin address/],
  ]
  for (const [name, address, network, rule, message] of cases) {
    test(name, () => {
      const r = checkBitcoinAddress(address, network)
      if (r.ok) throw new Error(`accepted ${address}`)
      expect(r.broken.rule).toBe(rule)
      expect(r.broken.explanation).toMatch(message)
    })
  }
})
