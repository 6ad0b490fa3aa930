import { describe, expect, test } from "bun:test"
import { Signature, Transaction } from "ethers"
import { encodeSigned, encodeUnsigned, UnsignableTransaction, type UnsignedTransaction } from "./eip1559-encoding.ts"

const base: UnsignedTransaction = {
  chainId: 31337, nonce: 0, to: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", value: 0n, data: "0x", gasLimit: 21_000n, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n,
}

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`

// Lengths around RLP's 55-byte boundary and the one- and two-byte length prefixes.
const shapes: ReadonlyArray<readonly [string, UnsignedTransaction]> = [
  ["a bare transfer", base],
  ["one data byte below 0x80", { ...base, data: "0x7f" }],
  ["one data byte of 0x80", { ...base, data: "0x80" }],
  ["55 data bytes", { ...base, data: `0x${"11".repeat(55)}` }],
  ["56 data bytes", { ...base, data: `0x${"11".repeat(56)}` }],
  ["300 data bytes", { ...base, data: `0x${"22".repeat(300)}` }],
  ["70,000 data bytes", { ...base, data: `0x${"33".repeat(70_000)}` }],
  ["value 127 and 128", { ...base, value: 127n, nonce: 128 }],
  ["largest integers", { ...base, value: (1n << 256n) - 1n, maxFeePerGas: (1n << 256n) - 1n, gasLimit: (1n << 64n) - 1n }],
]

describe("encodeUnsigned", () => {
  test.each(shapes)("%s: the digest is ethers' unsignedHash", (_, tx) => {
    expect(hex(encodeUnsigned(tx).signingHash)).toBe(Transaction.from({ type: 2, ...tx }).unsignedHash)
  })

  test.each([
    ["to", { to: "0x1234" }],
    ["to", { to: "70997970C51812dc3A010C7d01b50e0d17dc79C8" }],
    ["data", { data: "0xabc" }],
    ["data", { data: "" }],
    ["data", { data: "0xzz" }],
    ["chainId", { chainId: 0 }],
    ["nonce", { nonce: -1 }],
    ["nonce", { nonce: 1.5 }],
    ["nonce", { nonce: 2 ** 53 }],
    ["value", { value: -1n }],
    ["maxFeePerGas", { maxFeePerGas: 1n << 256n }],
  ] as const)("a malformed %s is refused by name", (field, change) => {
    expect(() => encodeUnsigned({ ...base, ...change })).toThrow(UnsignableTransaction)
    expect(() => encodeUnsigned({ ...base, ...change })).toThrow(`cannot sign the transaction: ${field} `)
  })
})

describe("encodeSigned", () => {
  // r and s with leading zero bytes are written without them; yParity 0 is the empty string.
  test.each([
    [0, "00".repeat(31) + "01", "00".repeat(31) + "02"],
    [1, "00" + "ab".repeat(31), "7f".repeat(32)],
    [0, "ff".repeat(32), "0000" + "12".repeat(30)],
  ] as const)("yParity %d with r %s and s %s: ethers' serialized form and hash", (yParity, r, s) => {
    const rs = Buffer.from(r + s, "hex")
    for (const [, tx] of shapes) {
      const signed = encodeSigned(encodeUnsigned(tx), { yParity, rs })
      const reference = Transaction.from({ type: 2, ...tx, signature: Signature.from({ r: `0x${r}`, s: `0x${s}`, yParity }) })
      expect(signed).toEqual({ raw: reference.serialized, hash: reference.hash ?? "" })
    }
  })
})
