/**
 * The one shape every validation failure takes: the field path, the rule it broke, and a
 * message that says both and shows what was sent. The intake answers these as 400s, so
 * a client (or a person reading a log) can fix the exact field without guessing.
 */

/** One broken rule at one field, e.g. `params.amount` / `max 8 decimal places`. */
export interface FieldError {
  /** Path from the request body's root: `params.amount`, `requests[17].params.to`, or `body` for the root itself. */
  readonly field: string
  /** The rule, short and stable enough for a client to switch on: `required`, `max 8 decimal places`. */
  readonly rule: string
  /** `<field>: <what is wrong>; got <value>`. */
  readonly message: string
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Appends an object key to a path, quoting keys that are not identifiers (addresses in `sendmany`). */
export const childPath = (path: string, key: string): string =>
  identifier.test(key) ? (path === "" ? key : `${path}.${key}`) : `${path}[${JSON.stringify(key)}]`

/** Appends an array index to a path. */
export const indexPath = (path: string, index: number): string => `${path}[${index}]`

/** How a path is shown: the empty path is the body itself. */
export const showPath = (path: string): string => (path === "" ? "body" : path)

const maxShown = 100

/** A short JSON rendering of what the client sent, for the `got …` part of a message. */
export const showValue = (value: unknown): string => {
  if (value === undefined) return "nothing (the field is missing)"
  const text = JSON.stringify(value) ?? String(value)
  return text.length > maxShown ? `${text.slice(0, maxShown)}… (${text.length} characters)` : text
}

/** Builds a field error whose message shows the value that broke the rule. */
export const fieldError = (path: string, rule: string, explanation: string, value: unknown): FieldError => ({
  field: showPath(path),
  rule,
  message: `${showPath(path)}: ${explanation}; got ${showValue(value)}`,
})

/** Collects errors while a validator walks a body; the validators return `undefined` for a bad field. */
export class ErrorList {
  readonly items: FieldError[] = []
  /** Records one error and answers `undefined`, so a check can `return errors.add(…)`. */
  add(path: string, rule: string, explanation: string, value: unknown): undefined {
    this.items.push(fieldError(path, rule, explanation, value))
    return undefined
  }
  /** Number of errors so far: a validator compares before and after to know if a part failed. */
  get size(): number {
    return this.items.length
  }
}
