/**
 * Typed flags for benches. A bench declares a table `{ callsPerStep:
 * intFlag(...) }`; the flag is `--calls-per-step`, its default shows in
 * `--help`, and the parsed options arrive typed as `{ callsPerStep: number }`.
 * Scanning argv is left to the CLI's own `parseFlags`, so wording and
 * `--flag=value` handling match every other command.
 */
import type { FlagSpec, ParsedFlags } from "../../src/cli/flag-parser.ts"
import { UsageError } from "../../src/cli/usage-error.ts"

/** The values a bench flag can hold; all of them are plain JSON, so options double as the results' parameters. */
export type FlagValue = number | string | boolean | ReadonlyArray<number> | ReadonlyArray<string>

/** A parsed value, or what was expected instead (`an integer >= 1`). */
export type ParseOutcome<T> = { readonly value: T } | { readonly expected: string }

/** One bench flag: its help, its default and how its text becomes a value. */
export interface BenchFlag<T extends FlagValue> {
  /** Placeholder for the value (`N`); absent for a switch. */
  readonly value?: string
  readonly description: string
  readonly example: string
  readonly defaultValue: T
  /** The default as `--help` shows it. */
  readonly defaultText: string
  readonly parse: (raw: string) => ParseOutcome<T>
}

/** A bench's flags, keyed by option name. */
export type FlagTable = Readonly<Record<string, BenchFlag<FlagValue>>>

/** The typed options a flag table parses to. */
export type OptionsOf<F extends FlagTable> = { readonly [K in keyof F]: F[K] extends BenchFlag<infer T> ? T : never }

/** `callsPerStep` → `--calls-per-step`. */
export const flagNameOf = (key: string): `--${string}` => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`

interface Common {
  readonly description: string
  readonly value?: string
}

const integer = (raw: string): number | undefined => (/^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : undefined)

const bounds = (min: number | undefined, max: number | undefined, kind: string): string =>
  min !== undefined && max !== undefined ? `${kind} from ${min} to ${max}` : min !== undefined ? `${kind} >= ${min}` : max !== undefined ? `${kind} <= ${max}` : kind

const inRange = (n: number, min?: number, max?: number): boolean => (min === undefined || n >= min) && (max === undefined || n <= max)

/** A whole number, optionally bounded. */
export const intFlag = (spec: Common & { readonly default: number; readonly min?: number; readonly max?: number }): BenchFlag<number> => {
  const expected = bounds(spec.min, spec.max, "an integer")
  return {
    value: spec.value ?? "N",
    description: spec.description,
    example: String(spec.default),
    defaultValue: spec.default,
    defaultText: String(spec.default),
    parse: (raw) => {
      const n = integer(raw)
      return n !== undefined && inRange(n, spec.min, spec.max) ? { value: n } : { expected }
    },
  }
}

/** Any finite number, optionally bounded (amounts, seconds). */
export const numberFlag = (spec: Common & { readonly default: number; readonly min?: number; readonly max?: number }): BenchFlag<number> => {
  const expected = bounds(spec.min, spec.max, "a number")
  return {
    value: spec.value ?? "X",
    description: spec.description,
    example: String(spec.default),
    defaultValue: spec.default,
    defaultText: String(spec.default),
    parse: (raw) => {
      const n = raw.trim() === "" ? Number.NaN : Number(raw)
      return Number.isFinite(n) && inRange(n, spec.min, spec.max) ? { value: n } : { expected }
    },
  }
}

/** Text, optionally one of `choices`; `default` may be "" when absence means "work it out". */
export const stringFlag = (
  spec: Common & { readonly default: string; readonly example?: string; readonly choices?: ReadonlyArray<string>; readonly defaultText?: string },
): BenchFlag<string> => ({
  value: spec.value ?? "TEXT",
  description: spec.description,
  example: spec.example ?? spec.choices?.[0] ?? spec.default,
  defaultValue: spec.default,
  defaultText: spec.defaultText ?? spec.default,
  parse: (raw) => {
    if (spec.choices !== undefined) return spec.choices.includes(raw) ? { value: raw } : { expected: `one of ${spec.choices.join(", ")}` }
    return raw === "" ? { expected: "a non-empty value" } : { value: raw }
  },
})

/** A comma-separated list of whole numbers, e.g. a concurrency ladder `1,2,4,8,16`. */
export const intListFlag = (spec: Common & { readonly default: ReadonlyArray<number>; readonly min?: number; readonly max?: number }): BenchFlag<ReadonlyArray<number>> => {
  const expected = `a comma-separated list of ${bounds(spec.min, spec.max, "integers")}`
  return {
    value: spec.value ?? "N,N,...",
    description: spec.description,
    example: spec.default.join(","),
    defaultValue: spec.default,
    defaultText: spec.default.join(","),
    parse: (raw) => {
      const items = raw.split(",").map(integer)
      const values = items.filter((n): n is number => n !== undefined && inRange(n, spec.min, spec.max))
      return values.length === items.length && values.length > 0 ? { value: values } : { expected }
    },
  }
}

/** A comma-separated list of names, optionally from `choices` (e.g. `bitcoin,ethereum`). */
export const stringListFlag = (
  spec: Common & { readonly default: ReadonlyArray<string>; readonly choices?: ReadonlyArray<string> },
): BenchFlag<ReadonlyArray<string>> => ({
  value: spec.value ?? "A,B,...",
  description: spec.description,
  example: spec.default.join(","),
  defaultValue: spec.default,
  defaultText: spec.default.join(","),
  parse: (raw) => {
    const items = raw.split(",").map((s) => s.trim())
    const ok = items.every((s) => s !== "" && (spec.choices === undefined || spec.choices.includes(s)))
    return ok ? { value: [...new Set(items)] } : { expected: `a comma-separated list of ${spec.choices?.join(", ") ?? "names"}` }
  },
})

/** A flag without a value that turns something on. */
export const switchFlag = (spec: { readonly description: string }): BenchFlag<boolean> => ({
  description: spec.description,
  example: "",
  defaultValue: false,
  defaultText: "off",
  parse: () => ({ value: true }),
})

/** The table as the CLI's flag specs, for scanning argv and for `--help`. */
export const flagSpecs = (table: FlagTable): ReadonlyArray<FlagSpec> =>
  Object.entries(table).map(([key, flag]): FlagSpec => ({
    name: flagNameOf(key),
    description: flag.description,
    default: flag.defaultText,
    ...(flag.value === undefined ? {} : { value: flag.value, example: flag.example }),
  }))

/**
 * Turns scanned argv into typed options, defaults filled in, or the first
 * bad value as a one-line error: `gateway bench x: --calls: expected an integer >= 1; found "0"`.
 */
export const parseOptions = <F extends FlagTable>(table: F, parsed: ParsedFlags, prefix: string): OptionsOf<F> | UsageError => {
  const options: Record<string, FlagValue> = {}
  for (const [key, flag] of Object.entries(table)) {
    const name = flagNameOf(key)
    const raw = parsed.values.get(name)?.[0]
    if (raw === undefined) {
      options[key] = flag.defaultValue
      continue
    }
    const outcome = flag.parse(raw)
    if ("expected" in outcome) return new UsageError({ line: `${prefix}: ${name}: expected ${outcome.expected}; found ${JSON.stringify(raw)}` })
    options[key] = outcome.value
  }
  // Every key of F was filled from its own flag, so the record has F's option types.
  return options as OptionsOf<F>
}
