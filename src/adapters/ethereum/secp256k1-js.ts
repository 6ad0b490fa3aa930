/**
 * The JavaScript signing backend: ethers' `SigningKey` (noble's secp256k1 with RFC 6979
 * nonces and low-S). It is the reference the native backend must agree with, and the
 * fallback wherever libsecp256k1 cannot be loaded; it costs a few hundred microseconds a
 * signature.
 */
import { SigningKey } from "ethers"
import type { SigningBackend } from "./signing-backend.ts"

/** ethers' secp256k1, always available. */
export const jsSigningBackend: SigningBackend = {
  name: "js",
  forKey: (privateKey) => {
    const key = new SigningKey(privateKey)
    return (digest) => {
      const signature = key.sign(digest)
      const rs = new Uint8Array(64)
      rs.set(Buffer.from(signature.r.slice(2), "hex"), 0)
      rs.set(Buffer.from(signature.s.slice(2), "hex"), 32)
      return { yParity: signature.yParity, rs }
    }
  },
}
