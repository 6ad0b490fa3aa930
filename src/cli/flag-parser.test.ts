import { describe, expect, test } from "bun:test"
import { type FlagSpec, parseFlags } from "./flag-parser.ts"
import { UsageError } from "./usage-error.ts"

const FLAGS: ReadonlyArray<FlagSpec> = [
  { name: "--config", value: "FILE", example: "config/paper.toml", description: "config" },
  { name: "--role", value: "ROLES", description: "roles", repeatable: true },
  { name: "--dry-run", description: "no value" },
]
const CONTEXT = { prefix: "tool", helpCommand: "tool --help", alsoKnown: ["--version"] }

/** Flattens the result so a table row can state it as plain data. */
const outcome = (argv: ReadonlyArray<string>): unknown => {
  const parsed = parseFlags(argv, FLAGS, CONTEXT)
  if (parsed instanceof UsageError) return parsed.line
  return { help: parsed.help, values: Object.fromEntries(parsed.values), positionals: parsed.positionals }
}

const cases: ReadonlyArray<readonly [ReadonlyArray<string>, unknown]> = [
  [[], { help: false, values: {}, positionals: [] }],
  [["--config", "a.toml"], { help: false, values: { "--config": ["a.toml"] }, positionals: [] }],
  [["--config=a.toml"], { help: false, values: { "--config": ["a.toml"] }, positionals: [] }],
  [["--config="], { help: false, values: { "--config": [""] }, positionals: [] }],
  [["--role", "a", "--role=b"], { help: false, values: { "--role": ["a", "b"] }, positionals: [] }],
  [["--dry-run", "x"], { help: false, values: { "--dry-run": [""] }, positionals: ["x"] }],
  [["x", "--", "--config"], { help: false, values: {}, positionals: ["x", "--config"] }],
  [["--bogus", "--help"], { help: true, values: {}, positionals: [] }],
  [["-h"], { help: true, values: {}, positionals: [] }],
  [["--", "--help"], { help: false, values: {}, positionals: ["--help"] }],
  [["--confg", "a"], "tool: unknown flag --confg; did you mean --config? (see tool --help)"],
  [["--verison"], "tool: unknown flag --verison; did you mean --version? (see tool --help)"],
  [["-x"], "tool: unknown flag -x; known flags: --config, --role, --dry-run, --help, --version (see tool --help)"],
  [["--config"], "tool: --config needs a value, e.g. --config config/paper.toml"],
  [["--config", "--dry-run"], "tool: --config needs a value, e.g. --config config/paper.toml"],
  [["--role"], "tool: --role needs a value, e.g. --role ROLES"],
  [["--config", "a", "--config", "b"], "tool: --config is given twice; give it once"],
  [["--dry-run=yes"], "tool: --dry-run takes no value; type --dry-run alone"],
]

describe("parseFlags", () => {
  test.each(cases)("%p", (argv, expected) => {
    expect(outcome(argv)).toEqual(expected)
  })
})
