/**
 * Bech32 (BIP-173) and bech32m (BIP-350), and the segwit address rules on top of them
 * (BIP-141 program lengths; version 0 uses bech32, versions 1+ bech32m). Written here
 * so the intake can refuse a mistyped or wrong-network address before any money moves.
 */

const charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
/** Value of each lower-case character code, -1 when not in the charset. */
const valueOf = new Int8Array(128).fill(-1)
for (let i = 0; i < charset.length; i++) valueOf[charset.charCodeAt(i)] = i
const generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]

/** Which checksum constant a string carries. */
export type Bech32Variant = "bech32" | "bech32m"
const constants: Record<Bech32Variant, number> = { bech32: 1, bech32m: 0x2bc830a3 }

const step = (chk: number, v: number): number => {
  const top = chk >>> 25
  let next = ((chk & 0x1ffffff) << 5) ^ v
  for (let i = 0; i < 5; i++) if ((top >>> i) & 1) next ^= generator[i] ?? 0
  return next
}

/** The BCH checksum over the expanded HRP and the data values (allocation-free: batches check thousands). */
const polymod = (hrp: string, values: readonly number[]): number => {
  let chk = 1
  for (let i = 0; i < hrp.length; i++) chk = step(chk, hrp.charCodeAt(i) >> 5)
  chk = step(chk, 0)
  for (let i = 0; i < hrp.length; i++) chk = step(chk, hrp.charCodeAt(i) & 31)
  for (const v of values) chk = step(chk, v)
  return chk >>> 0
}

/** Why a bech32 string was refused. */
export type Bech32Problem =
  | { readonly kind: "mixed-case" }
  | { readonly kind: "length" }
  | { readonly kind: "no-separator" }
  | { readonly kind: "char"; readonly char: string }
  | { readonly kind: "checksum" }

/** A decoded bech32/bech32m string: its human-readable part, 5-bit data (checksum removed) and variant. */
export interface Bech32Decoded {
  readonly hrp: string
  readonly data: readonly number[]
  readonly variant: Bech32Variant
}

/** Decodes a bech32 or bech32m string (at most 90 characters, one case). */
export const bech32Decode = (text: string): { readonly ok: true; readonly value: Bech32Decoded } | { readonly ok: false; readonly problem: Bech32Problem } => {
  const lower = text.toLowerCase()
  if (text !== lower && text !== text.toUpperCase()) return { ok: false, problem: { kind: "mixed-case" } }
  if (lower.length > 90) return { ok: false, problem: { kind: "length" } }
  const sep = lower.lastIndexOf("1")
  if (sep < 1 || sep + 7 > lower.length) return { ok: false, problem: { kind: "no-separator" } }
  const hrp = lower.slice(0, sep)
  for (let i = 0; i < hrp.length; i++) {
    const code = hrp.charCodeAt(i)
    if (code < 33 || code > 126) return { ok: false, problem: { kind: "char", char: hrp.charAt(i) } }
  }
  const values: number[] = []
  for (let i = sep + 1; i < lower.length; i++) {
    const code = lower.charCodeAt(i)
    const v = code < 128 ? (valueOf[code] ?? -1) : -1
    if (v < 0) return { ok: false, problem: { kind: "char", char: lower.charAt(i) } }
    values.push(v)
  }
  const check = polymod(hrp, values)
  const variant = check === constants.bech32 ? "bech32" : check === constants.bech32m ? "bech32m" : undefined
  if (variant === undefined) return { ok: false, problem: { kind: "checksum" } }
  return { ok: true, value: { hrp, data: values.slice(0, -6), variant } }
}

/** Encodes 5-bit data with a bech32 or bech32m checksum (lower case). */
export const bech32Encode = (hrp: string, data: readonly number[], variant: Bech32Variant): string => {
  const mod = polymod(hrp, [...data, 0, 0, 0, 0, 0, 0]) ^ constants[variant]
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (mod >>> (5 * (5 - i))) & 31)
  return `${hrp}1${[...data, ...checksum].map((v) => charset[v]).join("")}`
}

/** Regroups bits (8→5 to encode, 5→8 to decode); `undefined` when padding is invalid. */
export const convertBits = (data: readonly number[], from: number, to: number, pad: boolean): number[] | undefined => {
  let acc = 0
  let bits = 0
  const out: number[] = []
  const maxv = (1 << to) - 1
  for (const value of data) {
    acc = (acc << from) | value
    bits += from
    while (bits >= to) {
      bits -= to
      out.push((acc >> bits) & maxv)
    }
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & maxv)
  } else if (bits >= from || ((acc << (to - bits)) & maxv) !== 0) {
    return undefined
  }
  return out
}

/** A decoded segwit address. */
export interface SegwitAddress {
  readonly hrp: string
  readonly version: number
  readonly program: Uint8Array
}

/** Why a segwit address was refused, beyond the bech32 string itself. */
export type SegwitProblem =
  | Bech32Problem
  | { readonly kind: "empty" }
  | { readonly kind: "version"; readonly version: number }
  | { readonly kind: "padding" }
  | { readonly kind: "program-length"; readonly version: number; readonly length: number }
  | { readonly kind: "variant"; readonly version: number; readonly variant: Bech32Variant }

/** Decodes a segwit address and checks BIP-141/BIP-350's structural rules (not the HRP). */
export const segwitDecode = (text: string): { readonly ok: true; readonly value: SegwitAddress } | { readonly ok: false; readonly problem: SegwitProblem } => {
  const decoded = bech32Decode(text)
  if (!decoded.ok) return decoded
  const { hrp, data, variant } = decoded.value
  const version = data[0]
  if (version === undefined) return { ok: false, problem: { kind: "empty" } }
  if (version > 16) return { ok: false, problem: { kind: "version", version } }
  const program = convertBits(data.slice(1), 5, 8, false)
  if (program === undefined) return { ok: false, problem: { kind: "padding" } }
  const length = program.length
  if (length < 2 || length > 40 || (version === 0 && length !== 20 && length !== 32)) {
    return { ok: false, problem: { kind: "program-length", version, length } }
  }
  const wanted: Bech32Variant = version === 0 ? "bech32" : "bech32m"
  if (variant !== wanted) return { ok: false, problem: { kind: "variant", version, variant } }
  return { ok: true, value: { hrp, version, program: new Uint8Array(program) } }
}

/** Encodes a segwit address (tests use it to build addresses for regtest and simnet). */
export const segwitEncode = (hrp: string, version: number, program: Uint8Array): string =>
  bech32Encode(hrp, [version, ...(convertBits([...program], 8, 5, true) ?? [])], version === 0 ? "bech32" : "bech32m")
