/**
 * One problem in a config file, in the shape every error line takes:
 * `FILE: key.path[2]: expected WHAT; found WHAT`. Keeping the three parts
 * separate lets tests compare them and lets the CLI print them uniformly.
 */

/** A single validation problem. `path` is "" for problems with the file as a whole. */
export interface ConfigIssue {
  readonly path: string
  readonly expected: string
  readonly found: string
  /** Line number, known only for TOML syntax errors. */
  readonly line?: number
}

/** One segment of a key path: a table key or an array index. */
export type KeySegment = string | number

/** Renders `["hosts", 2, "roles", 0]` as `hosts[2].roles[0]`, the way the TOML reads. */
export const formatKeyPath = (segments: ReadonlyArray<KeySegment>): string =>
  segments.reduce<string>((path, segment) => {
    if (typeof segment === "number") return `${path}[${segment}]`
    if (/^[A-Za-z0-9_-]+$/.test(segment)) return path === "" ? segment : `${path}.${segment}`
    return `${path}[${JSON.stringify(segment)}]`
  }, "")

/** Describes a found value briefly: strings quoted, tables and long lists abbreviated. */
export const formatFound = (value: unknown): string => {
  if (value === undefined) return "nothing (the key is missing)"
  if (typeof value === "string") return JSON.stringify(value)
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value)
  if (value instanceof Date) return `the date ${value.toISOString()}`
  if (Array.isArray(value)) {
    const text = JSON.stringify(value)
    return text.length <= 60 ? text : `a list of ${value.length} items`
  }
  return "a table"
}

/** The printable line for one issue in `file`. */
export const formatConfigIssue = (file: string, issue: ConfigIssue): string => {
  const where = issue.line === undefined ? file : `${file}:${issue.line}`
  const path = issue.path === "" ? "" : `${issue.path}: `
  return `${where}: ${path}expected ${issue.expected}; found ${issue.found}`
}
