/**
 * Fills the defaults table into a parsed file before the schema sees it. Only keys
 * the file leaves out are filled, and only inside tables: a key whose table is
 * missing gets the table made for it, a key under a value that is not a table is
 * left for the schema to report. Unknown keys are untouched, so they stay errors.
 * The filled key paths are kept, so a report can say which values are defaults.
 */
import { formatKeyPath, type KeySegment } from "./config-issue.ts"
import { type ConfigDefault, DEFAULT_ROWS } from "./defaults.ts"
import { isTable, type KeyValue, type PathStep, stepsOf } from "./key-path.ts"

/** The file with its defaults in, and the key paths (as `nodes[0].timeout_ms`) the defaults filled. */
export interface Defaulted {
  readonly filled: unknown
  readonly defaulted: ReadonlySet<string>
}

/** `raw` (as `Bun.TOML.parse` gave it, not changed) with every missing defaulted key filled in. */
export const applyDefaults = (raw: unknown, rows: ReadonlyArray<ConfigDefault> = DEFAULT_ROWS): Defaulted => {
  const filled = structuredClone(raw)
  const defaulted = new Set<string>()
  for (const row of rows) fill(filled, stepsOf(row.path), [], row.value, defaulted)
  return { filled, defaulted }
}

const fill = (
  at: unknown,
  steps: ReadonlyArray<PathStep>,
  path: ReadonlyArray<KeySegment>,
  value: KeyValue,
  defaulted: Set<string>,
): void => {
  const [step, ...rest] = steps
  if (step === undefined || !isTable(at)) return
  const here = [...path, step.key]
  if (step.list) {
    const items = at[step.key]
    if (Array.isArray(items)) items.forEach((item, i) => fill(item, rest, [...here, i], value, defaulted))
    return
  }
  if (rest.length === 0) {
    if (Object.hasOwn(at, step.key)) return
    at[step.key] = Array.isArray(value) ? [...value] : value
    defaulted.add(formatKeyPath(here))
    return
  }
  if (!Object.hasOwn(at, step.key)) at[step.key] = {}
  fill(at[step.key], rest, here, value, defaulted)
}
