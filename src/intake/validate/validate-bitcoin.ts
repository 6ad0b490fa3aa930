/**
 * Checks the params of the three Bitcoin Core wallet calls of paper A: `sendtoaddress`,
 * `sendfrom` and `sendmany`. The sender (the Kafka key) is the wallet account the coins
 * come from, so requests spending from one account stay in order.
 */
import { checkBitcoinAddress } from "./bitcoin-address.ts"
import type { BitcoinNetwork } from "./bitcoin-network.ts"
import { checkBtcAmount } from "./btc-amount.ts"
import { childPath, type ErrorList } from "./field-error.ts"
import { asObject, checkFields, stringField, type JsonObject } from "./object-shape.ts"
import type { ValidationContext, ValidRequest } from "./validation-context.ts"

/** The Bitcoin methods the intake accepts. */
export const bitcoinMethods = ["sendtoaddress", "sendfrom", "sendmany"] as const

/** One of `bitcoinMethods`. */
export type BitcoinMethod = (typeof bitcoinMethods)[number]

/** Limits of paper A's wallet calls. */
export const bitcoinLimits = { maxAccountLength: 64, maxOutputs: 2000 } as const

/** The rule names, shared with tests and the OpenAPI description. */
export const bitcoinRules = {
  accountEmpty: "non-empty",
  accountLength: `at most ${bitcoinLimits.maxAccountLength} characters`,
  accountPrintable: "no control characters",
  minconf: "integer >= 0",
  outputs: `1 to ${bitcoinLimits.maxOutputs} outputs`,
  duplicate: "no duplicate addresses",
} as const

const address = (obj: JsonObject, key: string, path: string, network: BitcoinNetwork, errors: ErrorList): string | undefined => {
  const text = stringField(obj, key, path, errors)
  if (text === undefined) return undefined
  const checked = checkBitcoinAddress(text, network)
  return checked.ok ? checked.address : errors.add(childPath(path, key), checked.broken.rule, checked.broken.explanation, text)
}

const amountAt = (value: unknown, path: string, errors: ErrorList): string | undefined => {
  if (value === undefined) return undefined
  const checked = checkBtcAmount(value)
  return checked.ok ? checked.amount : errors.add(path, checked.rule, checked.explanation, value)
}

const account = (obj: JsonObject, path: string, errors: ErrorList): string | undefined => {
  const text = stringField(obj, "account", path, errors)
  if (text === undefined) return undefined
  const at = childPath(path, "account")
  if (text.length === 0) return errors.add(at, bitcoinRules.accountEmpty, "must name a wallet account (not empty)", text)
  if (text.length > bitcoinLimits.maxAccountLength) {
    return errors.add(at, bitcoinRules.accountLength, `must be at most ${bitcoinLimits.maxAccountLength} characters; it has ${text.length}`, text)
  }
  // A NUL, newline or escape in an account name names no account a person could have meant, and breaks logs and wallet files.
  const control = /[\u0000-\u001f\u007f-\u009f]/.exec(text)
  if (control !== null) {
    const code = `U+${(control[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`
    return errors.add(at, bitcoinRules.accountPrintable, `must not contain control characters; it has ${code} at position ${control.index}`, text)
  }
  return text
}

/** `minconf` when given: a JSON integer ≥ 0. `null` means absent; `undefined` means it was invalid. */
const minconf = (obj: JsonObject, path: string, errors: ErrorList): number | null | undefined => {
  const value = obj.minconf
  if (value === undefined) return null
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value
  return errors.add(childPath(path, "minconf"), bitcoinRules.minconf, "must be a whole number of confirmations, 0 or more", value)
}

const amounts = (obj: JsonObject, path: string, network: BitcoinNetwork, errors: ErrorList): Record<string, string> | undefined => {
  const at = childPath(path, "amounts")
  if (obj.amounts === undefined) return undefined
  const map = asObject(obj.amounts, at, errors, "address → amount, e.g. {\"sb1q…\": \"0.5\"}")
  if (map === undefined) return undefined
  const entries = Object.entries(map)
  if (entries.length < 1 || entries.length > bitcoinLimits.maxOutputs) {
    return errors.add(at, bitcoinRules.outputs, `must have 1 to ${bitcoinLimits.maxOutputs} outputs; it has ${entries.length}`, entries.length === 0 ? map : `${entries.length} outputs`)
  }
  const before = errors.size
  const out: Record<string, string> = {}
  for (const [key, value] of entries) {
    const keyPath = childPath(at, key)
    const checked = checkBitcoinAddress(key, network)
    if (!checked.ok) errors.add(keyPath, checked.broken.rule, checked.broken.explanation, key)
    const amount = amountAt(value, keyPath, errors)
    if (!checked.ok || amount === undefined) continue
    if (out[checked.address] !== undefined) {
      errors.add(keyPath, bitcoinRules.duplicate, `pays ${checked.address} a second time (addresses are case-insensitive in bech32); merge the two amounts into one output`, key)
      continue
    }
    out[checked.address] = amount
  }
  return errors.size === before ? out : undefined
}

const fieldsOf: Record<BitcoinMethod, readonly [readonly string[], readonly string[]]> = {
  sendtoaddress: [["address", "amount"], []],
  sendfrom: [["account", "address", "amount"], ["minconf"]],
  sendmany: [["account", "amounts"], ["minconf"]],
}

/** Checks the params of a Bitcoin request; answers the normalised request or `undefined` (errors recorded). */
export const validateBitcoin = (method: BitcoinMethod, params: JsonObject, path: string, ctx: ValidationContext, errors: ErrorList): ValidRequest | undefined => {
  const before = errors.size
  const [required, optional] = fieldsOf[method]
  checkFields(params, path, errors, `bitcoin ${method} params`, required, optional)
  const network = ctx.bitcoinNetwork
  const amountOf = () => amountAt(params.amount, childPath(path, "amount"), errors)
  switch (method) {
    case "sendtoaddress": {
      const to = address(params, "address", path, network, errors)
      const amount = amountOf()
      if (errors.size !== before || to === undefined || amount === undefined) return undefined
      return { sender: ctx.bitcoinDefaultAccount, body: { chain: "bitcoin", method, params: { address: to, amount } } }
    }
    case "sendfrom": {
      const from = account(params, path, errors)
      const to = address(params, "address", path, network, errors)
      const amount = amountOf()
      const conf = minconf(params, path, errors)
      if (errors.size !== before || from === undefined || to === undefined || amount === undefined || conf === undefined) return undefined
      const base = { account: from, address: to, amount }
      return { sender: from, body: { chain: "bitcoin", method, params: conf === null ? base : { ...base, minconf: conf } } }
    }
    case "sendmany": {
      const from = account(params, path, errors)
      const outputs = amounts(params, path, network, errors)
      const conf = minconf(params, path, errors)
      if (errors.size !== before || from === undefined || outputs === undefined || conf === undefined) return undefined
      const base = { account: from, amounts: outputs }
      return { sender: from, body: { chain: "bitcoin", method, params: conf === null ? base : { ...base, minconf: conf } } }
    }
  }
}
