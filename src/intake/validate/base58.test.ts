import { describe, expect, test } from "bun:test"
import { base58CheckDecode, base58CheckEncode, base58Decode, base58Encode } from "./base58.ts"

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex")

describe("base58", () => {
  test("round-trips bytes with leading zeros", () => {
    const bytes = new Uint8Array([0, 0, 1, 2, 255])
    const text = base58Encode(bytes)
    expect(text.startsWith("11")).toBe(true)
    const back = base58Decode(text)
    expect(back.ok && hex(back.bytes)).toBe(hex(bytes))
  })
  test("names a character outside the alphabet", () => {
    expect(base58Decode("abc0")).toEqual({ ok: false, badChar: "0" })
    expect(base58Decode("Il")).toEqual({ ok: false, badChar: "I" })
  })
})

describe("base58check", () => {
  test("decodes the genesis block's address to version 0 and its hash160", () => {
    const r = base58CheckDecode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    expect(r.ok && hex(r.payload)).toBe("0062e907b15cbf27d5425399ebf6f0fb50ebb88f18")
  })
  test("a changed character fails the checksum", () => {
    expect(base58CheckDecode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")).toEqual({ ok: false, problem: { kind: "checksum" } })
  })
  test("too short to hold a checksum", () => expect(base58CheckDecode("1111")).toEqual({ ok: false, problem: { kind: "short" } }))
  test("encode is the inverse of decode", () => {
    const payload = new Uint8Array([0x3f, ...new Array<number>(20).fill(7)])
    const r = base58CheckDecode(base58CheckEncode(payload))
    expect(r.ok && hex(r.payload)).toBe(hex(payload))
  })
})
