import { describe, expect, test } from "bun:test"
import { jsSigningBackend } from "./secp256k1-js.ts"
import { NativeSignerUnavailable, resolveSigningBackend, type SigningBackend, verifiedAgainst } from "./signing-backend.ts"

const native: SigningBackend = { name: "native", forKey: jsSigningBackend.forKey }
const missing = { name: "unavailable", reason: "no library" } as const

describe("resolveSigningBackend", () => {
  test.each([
    ["auto", native, "native"],
    ["auto", missing, "js"],
    ["native", native, "native"],
    ["js", native, "js"],
    ["js", missing, "js"],
  ] as const)("%s with %o signs with %s", (choice, loaded, expected) => {
    expect(resolveSigningBackend(choice, loaded, jsSigningBackend).name).toBe(expected)
  })

  test("native without the library is an error that says what to install", () => {
    expect(() => resolveSigningBackend("native", missing, jsSigningBackend)).toThrow(NativeSignerUnavailable)
    expect(() => resolveSigningBackend("native", missing, jsSigningBackend)).toThrow("(no library); install Debian's libsecp256k1-1")
  })
})

describe("verifiedAgainst", () => {
  test("keeps a backend that signs the known digest as ethers does", () => {
    expect(verifiedAgainst(native, jsSigningBackend)).toBe(native)
  })

  test.each([
    ["signs other bytes", (): SigningBackend["forKey"] => () => () => ({ yParity: 0, rs: new Uint8Array(64) })],
    ["flips the parity", (): SigningBackend["forKey"] => (key) => (digest) => {
      const right = jsSigningBackend.forKey(key)(digest)
      return { ...right, yParity: right.yParity === 0 ? 1 : 0 }
    }],
    ["throws", (): SigningBackend["forKey"] => () => () => {
      throw new Error("broken")
    }],
  ])("turns away a library that %s", (_, forKey) => {
    expect(verifiedAgainst({ name: "native", forKey: forKey() }, jsSigningBackend)).toEqual({ name: "unavailable", reason: "the library signs a known digest differently from ethers" })
  })

  test("passes on a load failure unchanged", () => expect(verifiedAgainst(missing, jsSigningBackend)).toBe(missing))
})
