/**
 * Bitcoin amounts as the intake accepts them: a JSON string or number written as a plain
 * decimal, more than 0, at most 8 places (1 satoshi) and at most 21,000,000 BTC. They
 * are published as strings so no satoshi is lost to floating point on the way to the
 * wallet.
 */
import type { BtcAmount } from "../../domain/request.ts"

/** The rule names, shared with tests and the OpenAPI description. */
export const amountRules = {
  type: "string or number",
  format: "plain decimal",
  positive: "greater than 0",
  places: "max 8 decimal places",
  max: "at most 21000000",
} as const

/** The amount as published, with its value in satoshis; or the rule it broke. */
export type AmountCheck =
  | { readonly ok: true; readonly amount: BtcAmount; readonly satoshis: bigint }
  | { readonly ok: false; readonly rule: string; readonly explanation: string }

const decimal = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/
const maxSatoshis = 21_000_000n * 100_000_000n

/** Checks a JSON value as a Bitcoin amount. */
export const checkBtcAmount = (value: unknown): AmountCheck => {
  if (typeof value !== "string" && typeof value !== "number") {
    return { ok: false, rule: amountRules.type, explanation: `must be a decimal string such as "0.1" (or a JSON number)` }
  }
  // JSON numbers arrive parsed; String() writes large and tiny ones with an exponent, which is refused below.
  const text = typeof value === "number" ? String(value) : value
  if (!decimal.test(text)) {
    if (/^-/.test(text) && decimal.test(text.slice(1))) return { ok: false, rule: amountRules.positive, explanation: "must be greater than 0" }
    const why = /[eE]/.test(text) ? "exponents are not accepted" : /^\s|\s$/.test(text) ? "spaces are not accepted" : "use digits with an optional . and up to 8 places, no sign, no leading zeros"
    return { ok: false, rule: amountRules.format, explanation: `must be a plain decimal such as "0.1"; ${why}` }
  }
  const [whole = "0", fraction = ""] = text.split(".")
  if (fraction.length > 8) return { ok: false, rule: amountRules.places, explanation: "must have at most 8 decimal places" }
  const satoshis = BigInt(whole) * 100_000_000n + BigInt(fraction.padEnd(8, "0"))
  if (satoshis === 0n) return { ok: false, rule: amountRules.positive, explanation: "must be greater than 0" }
  if (satoshis > maxSatoshis) return { ok: false, rule: amountRules.max, explanation: "must be at most 21000000 (every bitcoin there will ever be)" }
  return { ok: true, amount: text, satoshis }
}
