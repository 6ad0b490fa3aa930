import { describe, expect, test } from "bun:test"
import { jsSigningBackend } from "./secp256k1-js.ts"
import { loadNativeSecp256k1 } from "./secp256k1-native.ts"
import { NativeSignerUnavailable } from "./signing-backend.ts"

const key = Buffer.from("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "hex")

describe("loadNativeSecp256k1", () => {
  test("loads Debian's library by its soname and signs as ethers does", () => {
    const backend = loadNativeSecp256k1()
    expect(backend.name).toBe("native")
    if (backend.name !== "native") return
    for (let i = 0; i < 50; i++) {
      const digest = new Uint8Array(32).fill(i)
      expect(backend.forKey(key)(digest)).toEqual(jsSigningBackend.forKey(key)(digest))
    }
  })

  test.each([
    ["a missing file", "/nonexistent/libsecp256k1.so.1"],
    ["a file that is no library", "/etc/hostname"],
    ["a library without secp256k1's symbols", "libz.so.1"],
  ])("reports %s with its path, and tries the next one", (_, path) => {
    const failed = loadNativeSecp256k1([path])
    expect(failed.name).toBe("unavailable")
    expect(failed.name === "unavailable" && failed.reason).toStartWith(`${path}: `)
    expect(loadNativeSecp256k1([path, "libsecp256k1.so.1"]).name).toBe("native")
  })

  test("an empty path list is unavailable", () => expect(loadNativeSecp256k1([])).toEqual({ name: "unavailable", reason: "no library path to try" }))

  test("never hands the library a short key or digest", () => {
    const backend = loadNativeSecp256k1()
    if (backend.name !== "native") throw new Error("libsecp256k1 did not load")
    expect(() => backend.forKey(key.subarray(0, 31))).toThrow(NativeSignerUnavailable)
    expect(() => backend.forKey(key)(new Uint8Array(31))).toThrow(NativeSignerUnavailable)
  })
})
