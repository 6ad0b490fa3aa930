import { describe, expect, test } from "bun:test"
import { existsSync } from "node:fs"
import { dirname } from "node:path"
import { jsSigningBackend } from "./secp256k1-js.ts"
import { defaultLibsecp256k1Paths, loadNativeSecp256k1 } from "./secp256k1-native.ts"
import { NativeSignerUnavailable } from "./signing-backend.ts"

const installed = defaultLibsecp256k1Paths.find(existsSync) ?? "libsecp256k1 is not installed"
const key = Buffer.from("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", "hex")

describe("loadNativeSecp256k1", () => {
  test("loads Debian's library from the system's library directory and signs as ethers does", () => {
    const backend = loadNativeSecp256k1()
    expect(backend.name).toBe("native")
    if (backend.name !== "native") return
    const halfOrder = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n
    for (let i = 0; i < 50; i++) {
      const digest = new Uint8Array(32).fill(i)
      const signature = backend.forKey(key)(digest)
      expect(signature).toEqual(jsSigningBackend.forKey(key)(digest))
      expect(BigInt(`0x${Buffer.from(signature.rs.subarray(32)).toString("hex")}`) <= halfOrder).toBe(true)
    }
  })

  test.each([
    ["a file that is no library", "/etc/hostname", "/etc/hostname: Failed to open library"],
    ["a library without secp256k1's symbols", `${dirname(installed)}/libc.so.6`, `${dirname(installed)}/libc.so.6: Symbol "secp256k1_context_create" not found`],
    ["a relative name", "libsecp256k1.so.1", "libsecp256k1.so.1: not an absolute path, refused"],
    ["a missing file", "/nonexistent/libsecp256k1.so.1", "no file at /nonexistent/libsecp256k1.so.1"],
  ])("reports %s with its path, and tries the next one", (_, path, reason) => {
    const failed = loadNativeSecp256k1([path])
    expect(failed.name).toBe("unavailable")
    expect(failed.name === "unavailable" && failed.reason).toStartWith(reason)
    expect(loadNativeSecp256k1([path, installed]).name).toBe("native")
  })

  test("an empty path list is unavailable", () => expect(loadNativeSecp256k1([])).toEqual({ name: "unavailable", reason: "no library path to try" }))

  test("never hands the library a short key or digest", () => {
    const backend = loadNativeSecp256k1()
    if (backend.name !== "native") throw new Error("libsecp256k1 did not load")
    expect(() => backend.forKey(key.subarray(0, 31))).toThrow(NativeSignerUnavailable)
    expect(() => backend.forKey(key)(new Uint8Array(31))).toThrow(NativeSignerUnavailable)
  })
})
