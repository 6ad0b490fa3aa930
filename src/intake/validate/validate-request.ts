/**
 * Validates a whole request body, or a batch of them, against the `RequestBody` union of
 * `src/domain/request.ts`. Every problem is collected (not just the first) so a client
 * fixes a 10,000-item airdrop in one round trip, and a batch is all or nothing: one bad
 * item and no item is accepted.
 */
import { childPath, ErrorList, indexPath, type FieldError } from "./field-error.ts"
import { asObject, checkFields, stringField } from "./object-shape.ts"
import { bitcoinMethods, validateBitcoin, type BitcoinMethod } from "./validate-bitcoin.ts"
import { ethereumMethods, validateEthereum, type EthereumMethod } from "./validate-ethereum.ts"
import type { ValidationContext, ValidRequest } from "./validation-context.ts"

/** The rule names, shared with tests and the OpenAPI description. */
const methodsOf = (chain: "bitcoin" | "ethereum"): readonly string[] => (chain === "bitcoin" ? bitcoinMethods : ethereumMethods)

export const requestRules = {
  chain: "one of bitcoin, ethereum",
  method: (chain: "bitcoin" | "ethereum") => `one of ${methodsOf(chain).join(", ")}`,
  batchSize: (max: number) => `1 to ${max} items`,
} as const

/** The outcome of validating one body or one batch: everything valid, or every error. */
export type Validation<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly errors: readonly FieldError[] }

const isBitcoinMethod = (m: string): m is BitcoinMethod => (bitcoinMethods as readonly string[]).includes(m)
const isEthereumMethod = (m: string): m is EthereumMethod => (ethereumMethods as readonly string[]).includes(m)

const example = `{"chain":"bitcoin","method":"sendtoaddress","params":{"address":"…","amount":"0.1"}}`

/** Checks one request at `path` (empty for a single body, `requests[i]` in a batch). */
export const checkRequest = (value: unknown, path: string, ctx: ValidationContext, errors: ErrorList): ValidRequest | undefined => {
  const obj = asObject(value, path, errors, `a request such as ${example}`)
  if (obj === undefined) return undefined
  const before = errors.size
  checkFields(obj, path, errors, "a request", ["chain", "method", "params"])
  const chain = stringField(obj, "chain", path, errors)
  const method = stringField(obj, "method", path, errors)
  if (chain !== undefined && chain !== "bitcoin" && chain !== "ethereum") {
    return errors.add(childPath(path, "chain"), requestRules.chain, `must be "bitcoin" or "ethereum"`, chain)
  }
  if (chain === undefined || method === undefined) return undefined
  const methodPath = childPath(path, "method")
  const bitcoin = chain === "bitcoin" && isBitcoinMethod(method)
  const ethereum = chain === "ethereum" && isEthereumMethod(method)
  if (!bitcoin && !ethereum) {
    const elsewhere = chain === "bitcoin" ? isEthereumMethod(method) : isBitcoinMethod(method)
    const hint = elsewhere ? ` (${method} is a ${chain === "bitcoin" ? "ethereum" : "bitcoin"} method)` : ""
    return errors.add(methodPath, requestRules.method(chain), `is not a ${chain} method${hint}; use ${methodsOf(chain).join(", ")}`, method)
  }
  const paramsPath = childPath(path, "params")
  if (obj.params === undefined) return undefined
  const params = asObject(obj.params, paramsPath, errors, `the ${chain} ${method} params`)
  if (params === undefined) return undefined
  const valid = chain === "bitcoin" && isBitcoinMethod(method)
    ? validateBitcoin(method, params, paramsPath, ctx, errors)
    : isEthereumMethod(method) ? validateEthereum(method, params, paramsPath, ctx, errors) : undefined
  return errors.size === before ? valid : undefined
}

/** Validates the body of `POST /v1/requests`. */
export const validateSingle = (value: unknown, ctx: ValidationContext): Validation<ValidRequest> => {
  const errors = new ErrorList()
  const valid = checkRequest(value, "", ctx, errors)
  return valid !== undefined && errors.size === 0 ? { ok: true, value: valid } : { ok: false, errors: errors.items }
}

/** Validates the body of `POST /v1/batches`: `{ "requests": [ … ] }` with 1..`maxItems` items, all valid. */
export const validateBatch = (value: unknown, ctx: ValidationContext, maxItems: number): Validation<readonly ValidRequest[]> => {
  const errors = new ErrorList()
  const obj = asObject(value, "", errors, `a batch: {"requests": [${example}, …]}`)
  if (obj === undefined) return { ok: false, errors: errors.items }
  checkFields(obj, "", errors, "a batch", ["requests"])
  const items = obj.requests
  if (items !== undefined && !Array.isArray(items)) errors.add("requests", "array", "must be a JSON array of requests", items)
  if (!Array.isArray(items)) return { ok: false, errors: errors.items }
  if (items.length < 1 || items.length > maxItems) {
    errors.add("requests", requestRules.batchSize(maxItems), `must hold 1 to ${maxItems} requests; it holds ${items.length}${items.length > maxItems ? "; split it into several batches" : ""}`, `${items.length} items`)
    return { ok: false, errors: errors.items }
  }
  const valid: ValidRequest[] = []
  items.forEach((item, i) => {
    const checked = checkRequest(item, indexPath("requests", i), ctx, errors)
    if (checked !== undefined) valid.push(checked)
  })
  return errors.size === 0 ? { ok: true, value: valid } : { ok: false, errors: errors.items }
}
