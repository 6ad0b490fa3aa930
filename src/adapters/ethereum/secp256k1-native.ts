/**
 * The native signing backend: Debian's libsecp256k1 (package `libsecp256k1-1`, which
 * `scripts/install apt` installs) through `bun:ffi`, with its recovery module.
 *
 * Signing with it costs tens of microseconds against hundreds for the JavaScript curve,
 * which matters at the drain's thousand signatures a second on two shared cores. It
 * uses the library's default nonce function (RFC 6979, no extra entropy) and the library
 * always returns low-S signatures, so it signs exactly what ethers signs. One context
 * is created, randomized (side-channel blinding; it changes no signature) and kept for
 * the life of the process. `dlopen` happens at run time, so the compiled binary loads
 * the system's library and carries none of its own.
 */
import { dlopen, FFIType } from "bun:ffi"
import { existsSync } from "node:fs"
import { isAbsolute } from "node:path"
import { describe } from "../errors.ts"
import { NativeSignerUnavailable, type NativeUnavailable, type SigningBackend } from "./signing-backend.ts"

const multiarch = process.arch === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu"

/**
 * Where the library is looked for: absolute paths only, newest soname first. A bare
 * name would do, except that Bun's `dlopen`, when the system loader does not find a
 * bare name, also tries it in the working directory (seen with Bun 1.4.5): a file
 * planted there would then run inside the process that holds the keys.
 */
export const defaultLibsecp256k1Paths: readonly string[] = [`/usr/lib/${multiarch}`, `/lib/${multiarch}`, "/usr/lib64", "/usr/lib", "/usr/local/lib"].flatMap((dir) =>
  ["libsecp256k1.so.2", "libsecp256k1.so.1", "libsecp256k1.so.0"].map((name) => `${dir}/${name}`),
)

// SECP256K1_FLAGS_TYPE_CONTEXT | SECP256K1_FLAGS_BIT_CONTEXT_SIGN: required by releases before 0.2, accepted since.
const CONTEXT_SIGN = 0x201

const symbols = {
  secp256k1_context_create: { args: [FFIType.u32], returns: FFIType.ptr },
  secp256k1_context_randomize: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  secp256k1_ecdsa_sign_recoverable: {
    // ctx, secp256k1_ecdsa_recoverable_signature* (65 opaque bytes), msghash32, seckey, noncefp, ndata
    args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr],
    returns: FFIType.i32,
  },
  secp256k1_ecdsa_recoverable_signature_serialize_compact: {
    // ctx, output64, int* recid, signature
    args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr],
    returns: FFIType.i32,
  },
} as const

type Library = ReturnType<typeof dlopen<typeof symbols>>

const backendOf = (lib: Library): SigningBackend => {
  const native = lib.symbols
  const context = native.secp256k1_context_create(CONTEXT_SIGN)
  if (context === null) throw new Error("secp256k1_context_create returned NULL")
  if (native.secp256k1_context_randomize(context, crypto.getRandomValues(new Uint8Array(32))) !== 1) throw new Error("secp256k1_context_randomize failed")
  // Scratch space, reused: signing is synchronous and JavaScript runs one call at a time.
  const opaque = new Uint8Array(65)
  const compact = new Uint8Array(64)
  const recid = new Int32Array(1)
  return {
    name: "native",
    forKey: (privateKey) => {
      // The library reads exactly 32 bytes through these pointers: never hand it less.
      if (privateKey.length !== 32) throw new NativeSignerUnavailable({ reason: "a private key must be 32 bytes" })
      const key = Uint8Array.from(privateKey)
      return (digest) => {
        if (digest.length !== 32) throw new NativeSignerUnavailable({ reason: "a digest must be 32 bytes" })
        if (native.secp256k1_ecdsa_sign_recoverable(context, opaque, digest, key, null, null) !== 1) {
          throw new NativeSignerUnavailable({ reason: "secp256k1_ecdsa_sign_recoverable refused to sign" })
        }
        native.secp256k1_ecdsa_recoverable_signature_serialize_compact(context, compact, recid, opaque)
        return { yParity: ((recid[0] ?? 0) & 1) as 0 | 1, rs: compact.slice() }
      }
    },
  }
}

/**
 * Loads the first of `paths` (absolute) that opens and exports the recovery module, or
 * says why none did (the reason names paths and loader errors, never a key).
 */
export const loadNativeSecp256k1 = (paths: readonly string[] = defaultLibsecp256k1Paths): SigningBackend | NativeUnavailable => {
  const failures: string[] = []
  const missing: string[] = []
  for (const path of paths) {
    if (!isAbsolute(path)) {
      failures.push(`${path}: not an absolute path, refused (Bun's dlopen would also look for it in the working directory)`)
    } else if (!existsSync(path)) {
      missing.push(path)
    } else {
      try {
        return backendOf(dlopen(path, symbols))
      } catch (cause) {
        failures.push(`${path}: ${describe(cause)}`)
      }
    }
  }
  if (missing.length > 0) failures.push(`no file at ${missing.join(", ")}`)
  return { name: "unavailable", reason: failures.length === 0 ? "no library path to try" : failures.join("; ") }
}
