/**
 * Checks that a string is a Bitcoin address the configured network can pay: base58check
 * p2pkh/p2sh with that network's version byte, or a segwit v0 / v1 (taproot) address with
 * its prefix. A wrong-network address is the classic way to lose coins in a test setup,
 * so the message says which network the address belongs to.
 */
import { base58CheckDecode } from "./base58.ts"
import { segwitDecode, type SegwitProblem } from "./bech32.ts"
import { describeVersions, hexByte, networkOfHrp, networkParams, networksOfVersion, type BitcoinNetwork } from "./bitcoin-network.ts"

/** A rule an address broke, and the explanation for the message. */
export interface AddressRuleBroken {
  readonly rule: string
  readonly explanation: string
}

/** The address in the form the gateway publishes (segwit lower-cased), or the broken rule. */
export type AddressCheck = { readonly ok: true; readonly address: string } | { readonly ok: false; readonly broken: AddressRuleBroken }

/** The rule names, shared with tests and the OpenAPI description. */
export const addressRules = {
  format: "bitcoin address format",
  base58Checksum: "base58check checksum",
  base58Length: "base58check payload of 21 bytes",
  version: (network: BitcoinNetwork) => `version byte for ${network}`,
  bech32Case: "bech32 single case",
  bech32Checksum: "bech32 checksum",
  hrp: (network: BitcoinNetwork) => `segwit hrp ${networkParams[network].hrp}`,
  program: "segwit program",
  variant: "bech32 for v0, bech32m for v1+",
  witnessVersion: "segwit version 0 or 1",
} as const

const bech32Shape = /^[a-zA-Z]{1,83}1[02-9ac-hj-np-zAC-HJ-NP-Z]{6,}$/
const base58Shape = /^[1-9A-HJ-NP-Za-km-z]{25,36}$/

const broken = (rule: string, explanation: string): AddressCheck => ({ ok: false, broken: { rule, explanation } })

const checkBase58 = (text: string, network: BitcoinNetwork): AddressCheck => {
  const decoded = base58CheckDecode(text)
  if (!decoded.ok) {
    return decoded.problem.kind === "checksum"
      ? broken(addressRules.base58Checksum, "base58check checksum does not match, so the address has a typo; copy it again from its source")
      : broken(addressRules.format, "is not a base58check address")
  }
  const payload = decoded.payload
  if (payload.length !== 21) return broken(addressRules.base58Length, `decodes to ${payload.length} bytes, but a p2pkh/p2sh address holds a version byte and a 20-byte hash`)
  const version = payload[0] ?? -1
  const params = networkParams[network]
  if (version === params.p2pkh || version === params.p2sh) return { ok: true, address: text }
  const owner = networksOfVersion(version)
  const from = owner ? `is a ${owner} address (version ${hexByte(version)})` : `has version byte ${hexByte(version)}, which is no Bitcoin network's`
  return broken(addressRules.version(network), `${from}; this gateway sends on ${network}, whose addresses use ${describeVersions(params)}`)
}

const segwitExplanation = (problem: SegwitProblem): AddressRuleBroken => {
  switch (problem.kind) {
    case "mixed-case":
      return { rule: addressRules.bech32Case, explanation: "mixes upper and lower case, which bech32 forbids; send it all lower-case" }
    case "checksum":
      return { rule: addressRules.bech32Checksum, explanation: "bech32 checksum does not match, so the address has a typo; copy it again from its source" }
    case "char":
      return { rule: addressRules.format, explanation: `contains ${JSON.stringify(problem.char)}, which is not a bech32 character` }
    case "length":
    case "no-separator":
    case "empty":
      return { rule: addressRules.format, explanation: "is not a complete bech32 address" }
    case "version":
      return { rule: addressRules.program, explanation: `witness version ${problem.version} does not exist (0..16)` }
    case "padding":
      return { rule: addressRules.program, explanation: "witness program has invalid padding" }
    case "program-length":
      return { rule: addressRules.program, explanation: `a version ${problem.version} witness program cannot be ${problem.length} bytes` }
    case "variant":
      return {
        rule: addressRules.variant,
        explanation: `a version ${problem.version} address must use the ${problem.version === 0 ? "bech32" : "bech32m"} checksum, not ${problem.variant}`,
      }
  }
}

const checkSegwit = (text: string, network: BitcoinNetwork): AddressCheck => {
  const decoded = segwitDecode(text)
  if (!decoded.ok) {
    const b = segwitExplanation(decoded.problem)
    return broken(b.rule, b.explanation)
  }
  const { hrp, version, program } = decoded.value
  const want = networkParams[network].hrp
  if (hrp !== want) {
    const owner = networkOfHrp(hrp)
    const from = owner ? `is a ${owner} address (prefix ${hrp}1)` : `has prefix ${hrp}1, which is no Bitcoin network's`
    return broken(addressRules.hrp(network), `${from}; this gateway sends on ${network}, whose segwit addresses start with ${want}1`)
  }
  if (version > 1 || (version === 1 && program.length !== 32)) {
    return broken(
      addressRules.witnessVersion,
      `witness version ${version} with a ${program.length}-byte program has no spending rules yet, so anyone could take coins sent there; use a v0 (${want}1q…) or taproot (${want}1p…) address`,
    )
  }
  return { ok: true, address: text.toLowerCase() }
}

/** Checks `text` as an address payable on `network`. */
export const checkBitcoinAddress = (text: string, network: BitcoinNetwork): AddressCheck => {
  const maybeBase58 = base58Shape.test(text)
  const maybeSegwit = bech32Shape.test(text)
  if (maybeBase58 && maybeSegwit) {
    // "sb1…" can be a simnet p2sh address in base58 as well as a segwit prefix: a valid base58check wins.
    return base58CheckDecode(text).ok ? checkBase58(text, network) : checkSegwit(text, network)
  }
  if (maybeSegwit) return checkSegwit(text, network)
  if (maybeBase58) return checkBase58(text, network)
  const prefix = networkParams[network].hrp
  return broken(addressRules.format, `is not a Bitcoin address: expected base58check (p2pkh/p2sh) or bech32 (${prefix}1…) for ${network}`)
}
