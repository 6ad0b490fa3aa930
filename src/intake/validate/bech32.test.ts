import { describe, expect, test } from "bun:test"
import { bech32Decode, segwitDecode, segwitEncode } from "./bech32.ts"

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex")

describe("bech32 / bech32m strings (BIP-173, BIP-350 vectors)", () => {
  test.each([
    ["A12UEL5L", "bech32"],
    ["abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", "bech32"],
    ["split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "bech32"],
    ["A1LQFN3A", "bech32m"],
    ["split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "bech32m"],
  ])("%s is valid %s", (text, variant) => {
    const r = bech32Decode(text)
    expect(r.ok && r.value.variant).toBe(variant as "bech32" | "bech32m")
  })
  test.each([
    ["pzry9x0s0muk", "no-separator"],
    ["1pzry9x0s0muk", "no-separator"],
    ["x1b4n0q5v", "char"],
    ["li1dgmt3", "no-separator"],
    ["A1G7SGD8", "checksum"],
    ["a12uel5L", "mixed-case"],
  ])("%s is refused (%s)", (text, kind) => {
    const r = bech32Decode(text)
    expect(r.ok ? "ok" : r.problem.kind).toBe(kind)
  })
})

describe("segwit addresses", () => {
  test.each([
    ["BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "bc", 0, "751e76e8199196d454941c45d1b3a323f1433bd6"],
    ["tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "tb", 0, "1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"],
    ["bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "bc", 1, "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"],
    ["BC1SW50QGDZ25J", "bc", 16, "751e"],
    ["bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "bc", 2, "751e76e8199196d454941c45d1b3a323"],
  ])("%s decodes", (text, hrp, version, program) => {
    const r = segwitDecode(text)
    if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.problem)}`)
    expect([r.value.hrp, r.value.version, hex(r.value.program)]).toEqual([hrp, version, program])
    expect(segwitEncode(hrp, version, r.value.program)).toBe(text.toLowerCase())
  })
  test.each([
    ["bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "variant"],
    ["tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf", "variant"],
    ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "variant"],
    ["bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", "char"],
    ["BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "version"],
    ["bc1pw5dgrnzv", "program-length"],
    ["bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav", "program-length"],
    ["BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "program-length"],
    ["tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", "mixed-case"],
    ["bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", "padding"],
    ["bc1gmk9yu", "empty"],
    ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "checksum"],
  ])("%s is refused (%s)", (text, kind) => {
    const r = segwitDecode(text)
    expect(r.ok ? "ok" : r.problem.kind).toBe(kind)
  })
})
