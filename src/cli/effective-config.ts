/**
 * `gateway config check --effective`: the whole config as the gateway reads it, in
 * TOML (so it can be saved and edited as a config of its own), each value followed
 * by where it comes from: the file, or the defaults table. A `*_env` key names an
 * environment variable; the report says whether that variable is set and never
 * prints its value, since those variables hold the secrets.
 */
import {
  defaultRowOf,
  formatKeyPath,
  genericPathOf,
  isTable,
  type KeySegment,
  registryAddressEnv,
  type ResolvedConfig,
} from "../config/index.ts"

/** The process environment, or a test's stand-in for it. */
export type Env = Readonly<Record<string, string | undefined>>

interface Line {
  readonly text: string
  /** Where the value comes from; absent for headers and blank lines. */
  readonly source?: string
}

/** Source notes start in this column at most, so long lists do not push every note off screen. */
const NOTE_COLUMN = 48

/** The lines of the effective config of `file`. */
export const effectiveConfigLines = (file: string, resolved: ResolvedConfig, env: Env): ReadonlyArray<string> => {
  const lines = tableLines(resolved.config, [], undefined, resolved, env)
  const width = Math.min(NOTE_COLUMN, Math.max(...lines.map((line) => (line.source === undefined ? 0 : line.text.length))))
  return [
    `# ${file} as the gateway reads it. After each value, where it comes from:`,
    `#   file     set in ${file}`,
    "#   default  left out of the file; src/config/defaults.ts gives the value and its reason",
    "#   env      a *_env key names the environment variable a secret comes from;",
    "#            shown is whether it is set, never its value",
    ...lines.map((line) => (line.source === undefined ? line.text : `${line.text.padEnd(width)}  # ${line.source}`)),
  ]
}

/** A table's own keys, then its subtables and lists of tables, as TOML requires. */
const tableLines = (
  table: object,
  path: ReadonlyArray<KeySegment>,
  header: string | undefined,
  resolved: ResolvedConfig,
  env: Env,
): ReadonlyArray<Line> => {
  const entries = Object.entries(table)
  const own = entries.filter(([, value]) => !isTable(value) && !isListOfTables(value))
  const values = own.map(([key, value]): Line => ({ text: `${key} = ${tomlValue(value)}`, source: sourceOf([...path, key], value, resolved, env) }))
  const head = header === undefined || values.length === 0 ? [] : [{ text: "" }, { text: header }]
  const nested = entries.flatMap(([key, value]): ReadonlyArray<Line> => {
    const name = formatKeyPath([...path, key])
    if (isTable(value)) return tableLines(value, [...path, key], `[${name}]`, resolved, env)
    if (!isListOfTables(value)) return []
    return value.flatMap((item, i) => tableLines(item, [...path, key, i], `[[${name}]]`, resolved, env))
  })
  return [...head, ...values, ...nested]
}

const isListOfTables = (value: unknown): value is ReadonlyArray<Record<string, unknown>> =>
  Array.isArray(value) && value.length > 0 && value.every(isTable)

/** A value as TOML writes it; config values are strings, integers, booleans and lists of those. */
const tomlValue = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(", ")}]`
  return String(value)
}

/** "file" or "default", and for a variable's name whether the variable is set. */
const sourceOf = (segments: ReadonlyArray<KeySegment>, value: unknown, resolved: ResolvedConfig, env: Env): string => {
  const path = formatKeyPath(segments)
  const origin = resolved.defaulted.has(path) ? defaultNote(path) : "file"
  const key = segments.at(-1)
  if (typeof key === "string" && key.endsWith("_env") && typeof value === "string") return `${origin}; ${variableState(value, env)}`
  if (path === "registry.contract_address" && (env[registryAddressEnv]?.trim() ?? "") !== "") {
    return `${origin}; overridden by env ${registryAddressEnv}, which is set`
  }
  return origin
}

const defaultNote = (path: string): string => {
  const needed = defaultRowOf(genericPathOf(path))?.needed
  return needed === undefined ? "default" : `default, a stand-in: no host runs the ${needed.role} role`
}

/** Whether the variable `name` is set, never its value. */
const variableState = (name: string, env: Env): string => {
  const value = env[name]
  if (value === undefined) return `env ${name} is not set`
  return value.trim() === "" ? `env ${name} is set but empty` : `env ${name} is set (value not shown)`
}
