/**
 * The structural checks every request part shares: is it an object, which fields are
 * missing, which are unknown, and is a field the right JSON type. Unknown fields are
 * refused rather than ignored, so a misspelt `minconf` cannot silently fall back to
 * the default.
 */
import { childPath, type ErrorList } from "./field-error.ts"

/** The rule names, shared with tests and the OpenAPI description. */
export const shapeRules = {
  object: "object",
  array: "array",
  string: "string",
  required: "required",
  unknown: "unknown field",
} as const

/** A JSON object, as the validators read it. */
export type JsonObject = Readonly<Record<string, unknown>>

/** The value as an object, or `undefined` (with an error) when it is not one. */
export const asObject = (value: unknown, path: string, errors: ErrorList, what: string): JsonObject | undefined => {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as JsonObject
  return errors.add(path, shapeRules.object, `must be a JSON object (${what})`, value)
}

/** Reports missing required fields and fields that `what` does not have. */
export const checkFields = (
  obj: JsonObject,
  path: string,
  errors: ErrorList,
  what: string,
  required: readonly string[],
  optional: readonly string[] = [],
): void => {
  for (const key of required) {
    if (obj[key] === undefined) errors.add(childPath(path, key), shapeRules.required, `is required for ${what}`, undefined)
  }
  const known = new Set([...required, ...optional])
  for (const key of Object.keys(obj)) {
    if (!known.has(key)) {
      errors.add(childPath(path, key), shapeRules.unknown, `is not a field of ${what}; the fields are ${[...known].join(", ")}`, obj[key])
    }
  }
}

/** The field as a string; `undefined` when absent (already reported) or not a string (reported here). */
export const stringField = (obj: JsonObject, key: string, path: string, errors: ErrorList): string | undefined => {
  const value = obj[key]
  if (value === undefined) return undefined
  if (typeof value === "string") return value
  return errors.add(childPath(path, key), shapeRules.string, "must be a JSON string", value)
}
