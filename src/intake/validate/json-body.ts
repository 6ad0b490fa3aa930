/**
 * Turns the request text into a JSON value, refusing what `JSON.parse` would quietly
 * accept but lose: a key that appears twice in one object. In a `sendmany` the
 * `amounts` map is keyed by address, and JSON.parse keeps only the last of two equal
 * keys, so a payroll line would vanish without a word. That is refused here instead.
 */
import { childPath, indexPath, showPath } from "./field-error.ts"

/** The parsed body, or why it is not acceptable JSON. */
export type JsonBody =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly kind: "syntax"; readonly message: string }
  | { readonly ok: false; readonly kind: "duplicate-key"; readonly path: string; readonly key: string; readonly message: string }
  | { readonly ok: false; readonly kind: "too-deep"; readonly message: string }

/**
 * The deepest nesting of objects and arrays a body may have. A request is 4 levels deep,
 * a contract call's tuple arguments a few more; a body nested thousands deep is an
 * attack on the parser and every walk over the value, and is refused before them.
 */
export const maxJsonDepth = 32

type Frame = { readonly kind: "object"; readonly keys: Set<string>; key: string; expectKey: boolean } | { readonly kind: "array"; index: number }

const QUOTE = 34
const BACKSLASH = 92

/** Index of the quote closing the string that opens at `start`. The text is known to be valid JSON. */
const stringEnd = (text: string, start: number): number => {
  let at = start + 1
  for (;;) {
    const q = text.indexOf('"', at)
    let slashes = 0
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++
    if (slashes % 2 === 0) return q
    at = q + 1
  }
}

const framePath = (stack: readonly Frame[]): string =>
  stack.reduce((path, frame, i) => {
    if (i === stack.length - 1) return path
    return frame.kind === "object" ? childPath(path, frame.key) : indexPath(path, frame.index)
  }, "")

/** Finds the first key repeated within one object of already-valid JSON text. */
export const findDuplicateKey = (text: string): { readonly path: string; readonly key: string } | undefined => {
  const stack: Frame[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      const end = stringEnd(text, i)
      const top = stack[stack.length - 1]
      if (top?.kind === "object" && top.expectKey) {
        const raw = text.slice(i + 1, end)
        const key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw
        if (top.keys.has(key)) return { path: framePath(stack), key }
        top.keys.add(key)
        top.key = key
        top.expectKey = false
      }
      i = end
    } else if (c === 123 /* { */) {
      stack.push({ kind: "object", keys: new Set(), key: "", expectKey: true })
    } else if (c === 91 /* [ */) {
      stack.push({ kind: "array", index: 0 })
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop()
    } else if (c === 44 /* , */) {
      const top = stack[stack.length - 1]
      if (top?.kind === "object") top.expectKey = true
      else if (top?.kind === "array") top.index++
    }
  }
  return undefined
}

/**
 * True when `text` nests objects and arrays deeper than `max`, read in one pass that
 * skips strings (a bracket inside a string does not count). Malformed text is left to
 * JSON.parse to name.
 */
export const nestedDeeperThan = (text: string, max: number): boolean => {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      let at = i + 1
      while (at < text.length) {
        const ch = text.charCodeAt(at)
        if (ch === BACKSLASH) at += 2
        else if (ch === QUOTE) break
        else at += 1
      }
      i = at
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth += 1
      if (depth > max) return true
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth -= 1
    }
  }
  return false
}

/** Parses the body text; the `message` of a failure says what to send instead. */
export const parseJsonBody = (text: string): JsonBody => {
  if (nestedDeeperThan(text, maxJsonDepth)) {
    return { ok: false, kind: "too-deep", message: `body: objects and arrays are nested more than ${maxJsonDepth} levels deep; no request needs that many, so flatten it` }
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause)
    const hint = text.trim() === "" ? "the body is empty" : detail
    return { ok: false, kind: "syntax", message: `body is not valid JSON (${hint}); send one JSON object, e.g. {"chain":"bitcoin","method":"sendtoaddress","params":{…}}` }
  }
  const duplicate = findDuplicateKey(text)
  if (duplicate) {
    const where = showPath(duplicate.path)
    return {
      ok: false,
      kind: "duplicate-key",
      path: duplicate.path,
      key: duplicate.key,
      message: `${where}: key ${JSON.stringify(duplicate.key)} appears more than once; JSON keeps only the last, so merge the entries or remove one`,
    }
  }
  return { ok: true, value }
}
