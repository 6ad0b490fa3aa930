/**
 * What a bench is: a name, its typed flags, its help and a `run` that
 * measures and returns a report. `defineBench` turns that into a `Bench`
 * record whose option type is sealed inside, so the registry is a plain
 * list and adding a bench is one line there.
 */
import { Data } from "effect"
import type { ParsedFlags } from "../../src/cli/flag-parser.ts"
import type { HelpText } from "../../src/cli/help-text.ts"
import { UsageError } from "../../src/cli/usage-error.ts"
import { type FlagTable, flagSpecs, type OptionsOf, parseOptions } from "./bench-flags.ts"
import type { ProgressSink } from "./progress.ts"
import type { BenchReport, JsonValue } from "./results.ts"
import type { FlagSpec } from "../../src/cli/flag-parser.ts"

/** The world a bench runs in; tests pass recorders, the CLI passes the process. */
export interface BenchIo {
  /** One line to stdout: only tables and results belong there. */
  readonly out: (line: string) => void
  /** One line to stderr: notes, warnings, what is being measured now. */
  readonly err: (line: string) => void
  /** Where progress bars draw (stderr). */
  readonly progress: ProgressSink
  /** The environment, for secrets named by flags (e.g. GATEWAY_BTC_PASSWORD). */
  readonly env: Readonly<Record<string, string | undefined>>
}

/** A bench as its author writes it. */
export interface BenchDefinition<F extends FlagTable> {
  /** kebab-case; what follows `gateway bench`. */
  readonly name: string
  /** One line for `gateway bench --help`. */
  readonly summary: string
  /** What is measured against what, wrapped at about 76 columns. */
  readonly description: ReadonlyArray<string>
  readonly flags: F
  readonly examples: ReadonlyArray<readonly [command: string, explanation: string]>
  /** Measures and returns figures and comparisons; throw `BenchFailed` to stop with advice. */
  readonly run: (options: OptionsOf<F>, io: BenchIo) => Promise<BenchReport>
}

/** A run whose options have been parsed and checked, ready to start. */
export interface PreparedRun {
  /** The options as stored in the results' `parameters`. */
  readonly parameters: JsonValue
  readonly run: (io: BenchIo) => Promise<BenchReport>
}

/** A registered bench, its option type sealed inside `prepare`. */
export interface Bench {
  readonly name: string
  readonly summary: string
  readonly help: HelpText
  /** The bench's own flags (the runner adds the common ones, e.g. `--out`). */
  readonly flags: ReadonlyArray<FlagSpec>
  /** Parses scanned argv into options, or a one-line error naming the flag. */
  readonly prepare: (parsed: ParsedFlags) => PreparedRun | UsageError
}

/** A bench could not measure (a node is down, a tool is missing); `reason` says what to do. */
export class BenchFailed extends Data.TaggedError("BenchFailed")<{ readonly reason: string }> {
  override get message() {
    return this.reason
  }
}

/** Flags every bench takes, handled by the runner. */
export const COMMON_FLAGS: ReadonlyArray<FlagSpec> = [
  { name: "--out", value: "DIR", example: "/tmp/results", description: "Where the results JSON and chart are written", default: "bench/results" },
]

/** Seals a definition into a registry entry. */
export const defineBench = <F extends FlagTable>(definition: BenchDefinition<F>): Bench => {
  const flags = flagSpecs(definition.flags)
  return {
    name: definition.name,
    summary: definition.summary,
    flags,
    help: {
      usage: [`gateway bench ${definition.name} [FLAGS]`],
      description: definition.description,
      flags: [...flags, ...COMMON_FLAGS],
      examples: definition.examples,
    },
    prepare: (parsed) => {
      const options = parseOptions(definition.flags, parsed, `gateway bench ${definition.name}`)
      if (options instanceof UsageError) return options
      // Every flag value is a number, string, boolean or list of them: JSON already.
      const parameters: JsonValue = { ...options }
      return { parameters, run: (io) => definition.run(options, io) }
    },
  }
}
