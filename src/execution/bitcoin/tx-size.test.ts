import { describe, expect, test } from "bun:test"
import { Result } from "effect"
import { decodeRawTransaction } from "./raw-transaction.ts"
import { dustThreshold, estimateVsize, feeFor, isDust, isWitnessProgram, scriptKindOf } from "./tx-size.ts"

const p2pkh = "76a9145948dc00f336c7bc32bf9c3522f1817610b95a1a88ac"
const p2sh = "a914751e76e8199196d454941c45d1b3a323f1433bd687"
const p2wpkh = "0014751e76e8199196d454941c45d1b3a323f1433bd6"
const p2wsh = `0020${"18".repeat(32)}`
const p2tr = `5120${"79".repeat(32)}`

describe("script kinds", () => {
  test.each([
    [p2pkh, "p2pkh", false],
    [p2sh, "p2sh", false],
    [p2wpkh, "p2wpkh", true],
    [p2wsh, "p2wsh", true],
    [p2tr, "p2tr", true],
    ["6a0474657374", "other", false],
  ] as const)("%s is %s", (script, kind, witness) => {
    expect(scriptKindOf(script)).toBe(kind)
    expect(isWitnessProgram(script)).toBe(witness)
  })
})

describe("dust", () => {
  // Bitcoin Core's GetDustThreshold at the default 3 sat/vB; btcd's policy.go gives the same.
  test.each([
    ["p2pkh", p2pkh, 546n],
    ["p2sh", p2sh, 540n],
    ["p2wpkh", p2wpkh, 294n],
    ["p2wsh", p2wsh, 330n],
    ["p2tr", p2tr, 330n],
  ] as const)("the %s threshold is %p sat", (_kind, script, threshold) => {
    expect(dustThreshold(script)).toBe(threshold)
    expect(isDust(threshold - 1n, script)).toBe(true)
    expect(isDust(threshold, script)).toBe(false)
  })
  test("scales with the dust relay fee", () => expect(dustThreshold(p2pkh, 1000)).toBe(182n))
})

describe("vsize estimate", () => {
  test.each([
    ["1 p2pkh in, 2 p2pkh out", ["p2pkh"], [p2pkh, p2pkh], 226],
    ["2 p2pkh in, 1 p2wpkh out", ["p2pkh", "p2pkh"], [p2wpkh], 337],
    ["1 p2wpkh in, 2 p2wpkh out: 10.5 + 68 + 2×31", ["p2wpkh"], [p2wpkh, p2wpkh], 141],
    ["1 p2pkh in, 300 p2pkh out: 3-byte output count", ["p2pkh"], Array.from({ length: 300 }, () => p2pkh), 10 + 2 + 148 + 300 * 34],
  ] as const)("%s", (_name, inputs, outputs, vsize) => {
    expect(estimateVsize(inputs, outputs)).toBe(vsize)
  })

  test("is an upper bound of a real signed p2pkh transaction (btcwallet signature)", () => {
    const signed = Result.getOrThrow(
      decodeRawTransaction(
        "0100000001ed5b631acae44657689c71804c62b7b89d8ad51a27d42af16ab4974dfc907049000000006a47304402205b431c107434fd65f4303e4566d3ce70db5b31f994f1ab313b8527afa9f9f0a502201a500182ca44a9beb82cdf45d5aaf4529ac8784d6d2787fe3bb68b5972a58b1a012102669ecfe8d22a3fec1df5c3e41bb0821b3535116592bd6048931fb589f8df6035ffffffff0200e1f505000000001976a9145948dc00f336c7bc32bf9c3522f1817610b95a1a88acf0e90f24010000001976a914c7461e25906a496ca32f1a066c0967e4eb69946d88ac00000000",
      ),
    )
    const estimate = estimateVsize(["p2pkh"], signed.outputs.map((o) => o.scriptPubKey))
    expect(estimate).toBeGreaterThanOrEqual(signed.vsize)
    expect(estimate - signed.vsize).toBeLessThanOrEqual(2)
  })

  test("fees round up to a whole satoshi", () => {
    expect(feeFor(226, 1)).toBe(226n)
    expect(feeFor(141, 1.5)).toBe(212n)
  })
})
