/**
 * The one argv scanner every subcommand uses, so `--flag value`,
 * `--flag=value`, `--` and the error wording behave the same everywhere.
 * Each subcommand then turns the strings into its own typed data.
 */
import { nearestName } from "../config/nearest-name.ts"
import { UsageError } from "./usage-error.ts"

/** A flag a command accepts; the same record drives parsing and the help text. */
export interface FlagSpec {
  readonly name: `--${string}`
  /** Placeholder for the value (`FILE`); absent for a flag that takes none. */
  readonly value?: string
  /** A realistic value, shown when the user forgets to give one. */
  readonly example?: string
  readonly description: string
  /** What applies when the flag is left out, for the help text. */
  readonly default?: string
  /** May be given more than once (values accumulate). */
  readonly repeatable?: boolean
}

/** How errors are worded for this command. */
export interface FlagContext {
  /** Start of every error line, e.g. `gateway` or `gateway config check`. */
  readonly prefix: string
  /** The help command to point at, e.g. `gateway --help`. */
  readonly helpCommand: string
  /** Flags handled elsewhere that a typo may still have meant (e.g. `--version`). */
  readonly alsoKnown?: ReadonlyArray<string>
}

/** The scanned command line, still as strings. */
export interface ParsedFlags {
  readonly help: boolean
  readonly values: ReadonlyMap<string, ReadonlyArray<string>>
  readonly positionals: ReadonlyArray<string>
}

const HELP_FLAGS = ["--help", "-h"]

/** Scans `argv` against `flags`; `--help`/`-h` anywhere before `--` wins over every error. */
export const parseFlags = (
  argv: ReadonlyArray<string>,
  flags: ReadonlyArray<FlagSpec>,
  context: FlagContext,
): ParsedFlags | UsageError => {
  const end = argv.indexOf("--")
  const flagPart = end < 0 ? argv : argv.slice(0, end)
  if (flagPart.some((arg) => HELP_FLAGS.includes(arg))) return { help: true, values: new Map(), positionals: [] }
  const fail = (message: string) => new UsageError({ line: `${context.prefix}: ${message}` })
  const values = new Map<string, Array<string>>()
  const positionals: Array<string> = []
  for (let i = 0; i < flagPart.length; i++) {
    const arg = flagPart[i] ?? ""
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg)
      continue
    }
    const eq = arg.indexOf("=")
    const name = eq < 0 ? arg : arg.slice(0, eq)
    const spec = flags.find((f) => f.name === name)
    if (spec === undefined) return fail(unknownFlag(name, flags, context))
    let value: string | undefined
    if (spec.value === undefined) {
      if (eq >= 0) return fail(`${name} takes no value; type ${name} alone`)
      value = ""
    } else if (eq >= 0) {
      value = arg.slice(eq + 1)
    } else {
      const next = flagPart[i + 1]
      if (next !== undefined && !next.startsWith("--")) {
        value = next
        i++
      }
    }
    if (value === undefined) {
      return fail(`${name} needs a value, e.g. ${name} ${spec.example ?? spec.value ?? "VALUE"}`)
    }
    const seen = values.get(name)
    if (seen !== undefined && spec.repeatable !== true) {
      return fail(`${name} is given twice; give it once`)
    }
    values.set(name, [...(seen ?? []), value])
  }
  if (end >= 0) positionals.push(...argv.slice(end + 1))
  return { help: false, values, positionals }
}

/** The message for a flag nobody declared: the nearest one, else the whole list. */
const unknownFlag = (name: string, flags: ReadonlyArray<FlagSpec>, context: FlagContext): string => {
  const known = [...flags.map((f) => f.name), "--help", ...(context.alsoKnown ?? [])]
  const guess = nearestName(name, known)
  const hint = guess === undefined ? `; known flags: ${known.join(", ")}` : `; did you mean ${guess}?`
  return `unknown flag ${name}${hint} (see ${context.helpCommand})`
}

/** The single value of a non-repeatable flag, if given. */
export const flagValue = (parsed: ParsedFlags, name: string): string | undefined => parsed.values.get(name)?.[0]
