/**
 * Config keys named by path, as the TOML reads: `kafka.topics.partitions`, and
 * `nodes[].timeout_ms` for a key of every entry of a list of tables. The defaults
 * table is keyed by these paths, and the types here tie each path to its value's
 * type, so a misspelt path or a default of the wrong kind fails to compile.
 */

/** A value the defaults table can hold: what TOML gives for one key. */
export type KeyValue = string | number | boolean | ReadonlyArray<string>

type Scalar = string | number | boolean

/** Every key under `T` that holds a value (not a table), as `{ path, value }`. */
export type KeyOf<T, Prefix extends string = ""> = {
  [K in keyof T & string]-?: KeyAt<NonNullable<T[K]>, `${Prefix}${K}`>
}[keyof T & string]

type KeyAt<V, Path extends string> =
  V extends ReadonlyArray<infer Item>
    ? Item extends Scalar
      ? { readonly path: Path; readonly value: V }
      : KeyOf<Item, `${Path}[].`>
    : V extends Scalar
      ? { readonly path: Path; readonly value: V }
      : KeyOf<V, `${Path}.`>

/** One step of a key path: a table key, or (`list`) every entry of a list of tables. */
export interface PathStep {
  readonly key: string
  readonly list: boolean
}

/** `"nodes[].timeout_ms"` as `[{ key: "nodes", list: true }, { key: "timeout_ms", list: false }]`. */
export const stepsOf = (path: string): ReadonlyArray<PathStep> =>
  path.split(".").map((part) => (part.endsWith("[]") ? { key: part.slice(0, -2), list: true } : { key: part, list: false }))

/** A TOML table as parsed: a plain object (not a list, not a date). */
export const isTable = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)

/** Whether `raw` (a parsed file) sets the key at `path`; a list step never matches. */
export const hasKeyAt = (raw: unknown, path: string): boolean => {
  let at: unknown = raw
  for (const step of stepsOf(path)) {
    if (step.list || !isTable(at) || !Object.hasOwn(at, step.key)) return false
    at = at[step.key]
  }
  return true
}

/** `nodes[2].timeout_ms` as the table's `nodes[].timeout_ms`, to look a concrete key up. */
export const genericPathOf = (path: string): string => path.replace(/\[\d+\]/g, "[]")
