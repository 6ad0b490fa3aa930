/**
 * Base58Check, as Bitcoin uses it for p2pkh and p2sh addresses: base58 digits, and a
 * payload whose last 4 bytes are the first 4 of sha256(sha256(rest)). Written here on
 * Bun's hash rather than taken from a library, so the intake has no Bitcoin dependency.
 */

const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
const digitOf = new Map([...alphabet].map((ch, i) => [ch, i]))

// Bun's one-shot hash: with node:crypto's createHash, hashing was two fifths of a single request's validation (profiled).
const sha256 = (data: Uint8Array): Uint8Array => Bun.SHA256.hash(data) as Uint8Array

/** sha256(sha256(data)), Bitcoin's checksum hash. */
export const doubleSha256 = (data: Uint8Array): Uint8Array => sha256(sha256(data))

/** Decodes base58 text to bytes, or names the first character outside the alphabet. Byte arithmetic, not BigInt: batches decode thousands. */
export const base58Decode = (text: string): { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly badChar: string } => {
  const bytes: number[] = []
  for (const ch of text) {
    let carry = digitOf.get(ch)
    if (carry === undefined) return { ok: false, badChar: ch }
    for (let i = 0; i < bytes.length; i++) {
      carry += (bytes[i] ?? 0) * 58
      bytes[i] = carry & 0xff
      carry >>= 8
    }
    while (carry > 0) {
      bytes.push(carry & 0xff)
      carry >>= 8
    }
  }
  let zeros = 0
  while (text[zeros] === "1") zeros++
  const out = new Uint8Array(zeros + bytes.length)
  for (let i = 0; i < bytes.length; i++) out[zeros + i] = bytes[bytes.length - 1 - i] ?? 0
  return { ok: true, bytes: out }
}

/** Encodes bytes as base58 (leading zero bytes become leading "1"s). */
export const base58Encode = (bytes: Uint8Array): string => {
  let value = 0n
  for (const b of bytes) value = (value << 8n) | BigInt(b)
  let out = ""
  while (value > 0n) {
    out = alphabet[Number(value % 58n)] + out
    value /= 58n
  }
  let zeros = 0
  while (bytes[zeros] === 0) zeros++
  return "1".repeat(zeros) + out
}

/** Why a base58check string was refused. */
export type Base58CheckProblem = { readonly kind: "char"; readonly char: string } | { readonly kind: "short" } | { readonly kind: "checksum" }

/** Decodes base58check text to its payload (version byte included, checksum removed). */
export const base58CheckDecode = (text: string): { readonly ok: true; readonly payload: Uint8Array } | { readonly ok: false; readonly problem: Base58CheckProblem } => {
  const decoded = base58Decode(text)
  if (!decoded.ok) return { ok: false, problem: { kind: "char", char: decoded.badChar } }
  const bytes = decoded.bytes
  if (bytes.length < 5) return { ok: false, problem: { kind: "short" } }
  const payload = bytes.slice(0, -4)
  const check = doubleSha256(payload)
  for (let i = 0; i < 4; i++) if (bytes[bytes.length - 4 + i] !== check[i]) return { ok: false, problem: { kind: "checksum" } }
  return { ok: true, payload }
}

/** Encodes a payload with its base58check checksum (used by tests to build addresses for any network). */
export const base58CheckEncode = (payload: Uint8Array): string => {
  const check = doubleSha256(payload).slice(0, 4)
  return base58Encode(new Uint8Array([...payload, ...check]))
}
