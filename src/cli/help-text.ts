/**
 * Help as data, rendered one way for every command: usage, description,
 * flags with their defaults, then examples. Flags come from the same
 * `FlagSpec` records the parser uses, so help cannot drift from behaviour.
 */
import type { FlagSpec } from "./flag-parser.ts"

/** A titled two-column list, e.g. the commands or the positional arguments. */
export interface HelpSection {
  readonly title: string
  readonly rows: ReadonlyArray<readonly [string, string]>
}

/** Everything `--help` prints for one command. */
export interface HelpText {
  readonly usage: ReadonlyArray<string>
  /** Paragraph lines, already wrapped at about 76 columns. */
  readonly description: ReadonlyArray<string>
  readonly sections?: ReadonlyArray<HelpSection>
  readonly flags: ReadonlyArray<FlagSpec>
  readonly examples: ReadonlyArray<readonly [command: string, explanation: string]>
}

const HELP_ROW: readonly [string, string] = ["--help, -h", "Show this help and exit"]

/** The help text as lines ready to print. */
export const renderHelp = (help: HelpText): ReadonlyArray<string> => {
  const flagRows = help.flags.map((flag): readonly [string, string] => {
    const left = flag.value === undefined ? flag.name : `${flag.name} ${flag.value}`
    const suffix = flag.default === undefined ? "" : ` (default: ${flag.default})`
    return [left, `${flag.description}${suffix}`]
  })
  const sections: ReadonlyArray<HelpSection> = [
    ...(help.sections ?? []),
    { title: "Flags", rows: [...flagRows, HELP_ROW] },
  ]
  return [
    "Usage:",
    ...help.usage.map((line) => `  ${line}`),
    "",
    ...help.description,
    ...sections.flatMap((section) => ["", `${section.title}:`, ...twoColumns(section.rows)]),
    "",
    "Examples:",
    ...help.examples.flatMap(([command, explanation]) => [`  ${command}`, `      ${explanation}`]),
  ]
}

const WIDTH = 80

/** Rows as two columns, the right one word-wrapped so help fits an 80-column terminal. */
const twoColumns = (rows: ReadonlyArray<readonly [string, string]>): ReadonlyArray<string> => {
  const width = Math.max(...rows.map(([left]) => left.length))
  const indent = " ".repeat(width + 5)
  return rows.flatMap(([left, right]) =>
    wrap(right, Math.max(30, WIDTH - indent.length)).map((text, i) =>
      i === 0 ? `  ${left.padEnd(width)}   ${text}` : `${indent}${text}`,
    ),
  )
}

/** Greedy word wrap; a word longer than `width` gets a line of its own. */
const wrap = (text: string, width: number): ReadonlyArray<string> => {
  const lines: Array<string> = []
  let current = ""
  for (const word of text.split(" ")) {
    if (current !== "" && current.length + 1 + word.length > width) {
      lines.push(current)
      current = word
    } else {
      current = current === "" ? word : `${current} ${word}`
    }
  }
  return [...lines, current]
}
