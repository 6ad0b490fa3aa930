/**
 * What a secp256k1 implementation must offer the signer, and which one runs.
 *
 * Two implementations sign the same digests to the same bytes (RFC 6979 nonces, low-S):
 * libsecp256k1 through `bun:ffi` (tens of microseconds) and ethers' JavaScript curve
 * (hundreds). The native one is optional, since the compiled binary may run where
 * Debian's `libsecp256k1` is not installed; `auto` then falls back to JavaScript. A
 * native library is trusted only after it signs a known digest exactly as the
 * JavaScript one does, so a foreign build with another nonce function can never make
 * the recorded bytes differ from what a retry or a new owner would sign.
 */
import { Data } from "effect"
import type { RecoverableSignature } from "./eip1559-encoding.ts"

/** Which implementation signs: `auto` prefers native and falls back to js. */
export type SignerBackendChoice = "auto" | "native" | "js"

/** Signs 32-byte digests with one private key, which stays in the closure. */
export type DigestSigner = (digest: Uint8Array) => RecoverableSignature

/** One secp256k1 implementation. */
export interface SigningBackend {
  readonly name: "native" | "js"
  /** Binds a 32-byte private key (already checked to be valid) to a digest signer. */
  readonly forKey: (privateKey: Uint8Array) => DigestSigner
}

/** Why the native library could not be used; says nothing about any key. */
export interface NativeUnavailable {
  readonly name: "unavailable"
  readonly reason: string
}

/** `native` was asked for, and the library could not be loaded or failed its check. */
export class NativeSignerUnavailable extends Data.TaggedError("NativeSignerUnavailable")<{ readonly reason: string }> {
  override get message() {
    return `the native secp256k1 signer is unavailable (${this.reason}); install Debian's libsecp256k1-1 (scripts/install apt) or choose the "auto" or "js" signer backend`
  }
}

// A fixed test key and digest (not a key anyone holds funds with): the known-answer check.
const CHECK_KEY = Buffer.from("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", "hex")
const CHECK_DIGEST = Buffer.from("82ff40c0a986c6a5cfad4ddf4c3aa6996f1a7837f9c398e17e5de5cbd5a12b28", "hex")

const sameSignature = (a: RecoverableSignature, b: RecoverableSignature): boolean =>
  a.yParity === b.yParity && Buffer.from(a.rs).equals(Buffer.from(b.rs))

/** Whether `candidate` signs the check digest exactly as `reference` does. */
const agreesWith = (candidate: SigningBackend, reference: SigningBackend): boolean => {
  try {
    return sameSignature(candidate.forKey(CHECK_KEY)(CHECK_DIGEST), reference.forKey(CHECK_KEY)(CHECK_DIGEST))
  } catch {
    return false
  }
}

/** The loaded native backend if it signs a known digest exactly as `reference` (ethers) does; else why not. */
export const verifiedAgainst = (loaded: SigningBackend | NativeUnavailable, reference: SigningBackend): SigningBackend | NativeUnavailable => {
  if (loaded.name === "unavailable") return loaded
  return agreesWith(loaded, reference) ? loaded : { name: "unavailable", reason: "the library signs a known digest differently from ethers" }
}

/**
 * The backend for `choice`, given the outcome of loading the native library and the
 * JavaScript backend. Throws `NativeSignerUnavailable` only when `native` was demanded.
 */
export const resolveSigningBackend = (choice: SignerBackendChoice, native: SigningBackend | NativeUnavailable, js: SigningBackend): SigningBackend => {
  if (choice === "js") return js
  if (native.name !== "unavailable") return native
  if (choice === "native") throw new NativeSignerUnavailable({ reason: native.reason })
  return js
}
