/**
 * A command made of named parts (`gateway client locate`, `gateway bench drain`): picks the
 * part the first argument names, or says what went wrong in one line that names the
 * nearest part; `--help` lists the parts.
 */
import { nearestName } from "../config/nearest-name.ts"
import { type CliContext, EXIT_USAGE } from "./command.ts"
import { type HelpText, renderHelp } from "./help-text.ts"
import { UsageError } from "./usage-error.ts"

/** The parsed command line: list the parts, or run one with the arguments after its name. */
export type Picked<T> = { readonly _tag: "List" } | { readonly _tag: "Run"; readonly part: T; readonly args: ReadonlyArray<string> }

/** The lines a group says when its first argument names no part. */
export interface GroupWords {
  readonly missing: (names: ReadonlyArray<string>) => string
  readonly flagFirst: (flag: string) => string
  readonly unknown: (name: string, hint: string) => string
}

/** Picks the part `argv` names, or a one-line error. */
export const pickByName = <T extends { readonly name: string }>(argv: ReadonlyArray<string>, parts: ReadonlyArray<T>, words: GroupWords): Picked<T> | UsageError => {
  const [first, ...rest] = argv
  const names = parts.map((p) => p.name)
  if (first === "--help" || first === "-h") return { _tag: "List" }
  if (first === undefined) return new UsageError({ line: words.missing(names) })
  if (first.startsWith("-")) return new UsageError({ line: words.flagFirst(first) })
  const part = parts.find((p) => p.name === first)
  if (part !== undefined) return { _tag: "Run", part, args: rest }
  const guess = nearestName(first, names)
  return new UsageError({ line: words.unknown(first, guess === undefined ? `expected one of ${names.join(", ")}` : `did you mean ${guess}?`) })
}

/** Answers a pick: the usage error (exit 2), the list of parts, or the part's own run. */
export const runPicked = <T>(picked: Picked<T> | UsageError, help: HelpText, context: CliContext, run: (part: T, args: ReadonlyArray<string>) => Promise<number>): Promise<number> => {
  if (picked instanceof UsageError) {
    context.err(picked.line)
    return Promise.resolve(EXIT_USAGE)
  }
  if (picked._tag === "List") {
    for (const line of renderHelp(help)) context.out(line)
    return Promise.resolve(0)
  }
  return run(picked.part, picked.args)
}
