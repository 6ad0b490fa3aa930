/**
 * Checks a manager action's body before anything is signed or sent, so a bad form field
 * is a 400 naming the field and the rule, never a wasted (or reverted) transaction.
 * Pure: tests run it on tables of bodies.
 */
import { ErrorList, type FieldError } from "../intake/validate/field-error.ts"
import { serviceIdProblem } from "../registry/index.ts"

/** A checked action, or every rule its body broke. */
export type Checked<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly errors: ReadonlyArray<FieldError> }

/** `POST /api/dashboard/services`. */
export interface RegisterInput {
  readonly serviceId: string
  readonly location: string
  readonly info: string
}

/** `POST /api/dashboard/services/:id/location`. */
export interface LocationInput {
  readonly location: string
  readonly epoch: bigint
}

/** Longest location, in UTF-8 bytes: a URL, not a document. */
export const MAX_LOCATION_BYTES = 256
/** Longest info text, in UTF-8 bytes: every byte is paid for in gas. */
export const MAX_INFO_BYTES = 1024
const MAX_EPOCH = 2n ** 64n - 1n
const ZERO_ADDRESS = `0x${"0".repeat(40)}`

const bytes = (s: string) => new TextEncoder().encode(s).length
const isObject = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === "object" && v !== null && !Array.isArray(v)

/** Checks that `body` is an object with only `allowed` keys. */
const objectWith = (body: unknown, allowed: ReadonlyArray<string>, errors: ErrorList): Readonly<Record<string, unknown>> | undefined => {
  if (!isObject(body)) return errors.add("", "a JSON object", "expected a JSON object", body)
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) errors.add(key, "unknown field", `is not a field of this action (expected ${allowed.join(", ")})`, body[key])
  }
  return body
}

/** A service id: 1 to 32 UTF-8 bytes without NUL, as the registry stores it. */
export const checkServiceIdField = (field: string, value: unknown, errors: ErrorList): string | undefined => {
  if (value === undefined) return errors.add(field, "required", "is required", value)
  if (typeof value !== "string") return errors.add(field, "a string", "must be a string", value)
  const problem = serviceIdProblem(value)
  return problem === undefined ? value : errors.add(field, "1 to 32 UTF-8 bytes, no NUL", `must be ${problem}`, value)
}

/** Where users reach the service: an http(s) URL with a host, as a leader publishes it. */
export const checkLocationField = (field: string, value: unknown, errors: ErrorList): string | undefined => {
  if (value === undefined) return errors.add(field, "required", "is required", value)
  if (typeof value !== "string") return errors.add(field, "a string", "must be a string", value)
  if (bytes(value) > MAX_LOCATION_BYTES) return errors.add(field, `at most ${MAX_LOCATION_BYTES} bytes`, `must be at most ${MAX_LOCATION_BYTES} UTF-8 bytes`, value)
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "" || value.trim() !== value) {
    return errors.add(field, "an http(s) URL", "must be an http(s) URL such as http://10.0.0.1:8090", value)
  }
  return value
}

/** Free text about the service; may be empty. */
const checkInfoField = (field: string, value: unknown, errors: ErrorList, required: boolean): string | undefined => {
  if (value === undefined) return required ? errors.add(field, "required", "is required (send \"\" to clear it)", value) : ""
  if (typeof value !== "string") return errors.add(field, "a string", "must be a string", value)
  return bytes(value) > MAX_INFO_BYTES ? errors.add(field, `at most ${MAX_INFO_BYTES} bytes`, `must be at most ${MAX_INFO_BYTES} UTF-8 bytes`, value) : value
}

/** A leader epoch: a whole number from 0 to 2^64-1, as a decimal string or a safe JSON integer. */
const checkEpochField = (field: string, value: unknown, errors: ErrorList): bigint | undefined => {
  if (value === undefined) return errors.add(field, "required", "is required", value)
  const rule = "an integer from 0 to 2^64-1"
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === "string" && /^[0-9]{1,20}$/.test(value) && BigInt(value) <= MAX_EPOCH) return BigInt(value)
  return errors.add(field, rule, `must be ${rule} (the leader key's create revision), as a decimal string or a JSON integer`, value)
}

/** A manager's address: 0x and 40 hex digits, not the zero address; answered lower-cased. */
export const checkAccountField = (field: string, value: unknown, errors: ErrorList): string | undefined => {
  if (value === undefined) return errors.add(field, "required", "is required", value)
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value)) return errors.add(field, "a 0x address", "must be a 0x address of 40 hex digits", value)
  const account = value.toLowerCase()
  return account === ZERO_ADDRESS ? errors.add(field, "not the zero address", "cannot be the zero address: nobody holds its key", value) : account
}

const done = <A>(errors: ErrorList, value: A | undefined): Checked<A> =>
  errors.size === 0 && value !== undefined ? { ok: true, value } : { ok: false, errors: errors.items }

/** The body of a registration: `{ service_id, location, info? }`. */
export const checkRegister = (body: unknown): Checked<RegisterInput> => {
  const errors = new ErrorList()
  const o = objectWith(body, ["service_id", "location", "info"], errors)
  if (o === undefined) return done<RegisterInput>(errors, undefined)
  const serviceId = checkServiceIdField("service_id", o.service_id, errors)
  const location = checkLocationField("location", o.location, errors)
  const info = checkInfoField("info", o.info, errors, false)
  return done(errors, serviceId !== undefined && location !== undefined && info !== undefined ? { serviceId, location, info } : undefined)
}

/** The body of a move: `{ location, epoch }`. */
export const checkLocationUpdate = (body: unknown): Checked<LocationInput> => {
  const errors = new ErrorList()
  const o = objectWith(body, ["location", "epoch"], errors)
  if (o === undefined) return done<LocationInput>(errors, undefined)
  const location = checkLocationField("location", o.location, errors)
  const epoch = checkEpochField("epoch", o.epoch, errors)
  return done(errors, location !== undefined && epoch !== undefined ? { location, epoch } : undefined)
}

/** The body of an info change: `{ info }`. */
export const checkInfoUpdate = (body: unknown): Checked<string> => {
  const errors = new ErrorList()
  const o = objectWith(body, ["info"], errors)
  return done(errors, o === undefined ? undefined : checkInfoField("info", o.info, errors, true))
}

/** The body of a manager addition: `{ account }`. */
export const checkManagerAdd = (body: unknown): Checked<string> => {
  const errors = new ErrorList()
  const o = objectWith(body, ["account"], errors)
  return done(errors, o === undefined ? undefined : checkAccountField("account", o.account, errors))
}
