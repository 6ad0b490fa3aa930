/**
 * Routes argv to a subcommand. The first word picks the command; a flag or
 * nothing means the default command, so `gateway --role consumer` works.
 * `--help`, `--version` and `help COMMAND` are answered here because they
 * need the whole table.
 */
import { nearestName } from "../config/nearest-name.ts"
import { type CliContext, type Command, EXIT_USAGE } from "./command.ts"
import { renderHelp } from "./help-text.ts"
import { programHelp } from "./program-help.ts"
import { VERSION } from "../app/version.ts"

/** Subcommand name to its module. */
export type CommandTable = Readonly<Record<string, Command>>

/** The table and which entry runs when argv names no command. */
export interface Dispatch {
  readonly commands: CommandTable
  readonly defaultCommand: string
}

/** Runs the command argv names and resolves to its exit code. */
export const dispatch = async (table: Dispatch, argv: ReadonlyArray<string>, context: CliContext): Promise<number> => {
  const commands = Object.values(table.commands)
  const fallback = table.commands[table.defaultCommand]
  if (fallback === undefined) throw new Error(`dispatch table has no default command "${table.defaultCommand}"`)
  const print = (lines: ReadonlyArray<string>) => {
    for (const line of lines) context.out(line)
    return 0
  }
  const [first, ...rest] = argv
  if (first === undefined || (first.startsWith("-") && first !== "--help" && first !== "-h" && first !== "--version")) {
    return fallback.run(argv, context)
  }
  if (first === "--help" || first === "-h") return print(renderHelp(programHelp(commands, fallback)))
  if (first === "--version") return print([`gateway ${VERSION}`])
  if (first === "help") {
    const topic = rest[0]
    if (topic === undefined) return print(renderHelp(programHelp(commands, fallback)))
    const command = table.commands[topic]
    if (command !== undefined) return print(renderHelp(command.help))
    context.err(unknownCommand(topic, commands, `gateway: help: no command "${topic}"`))
    return EXIT_USAGE
  }
  const command = table.commands[first]
  if (command !== undefined) return command.run(rest, context)
  context.err(unknownCommand(first, commands, `gateway: unknown command "${first}"`))
  return EXIT_USAGE
}

/** `...; did you mean config?` or the list of commands, then where help is. */
const unknownCommand = (typed: string, commands: ReadonlyArray<Command>, start: string): string => {
  const names = [...commands.map((c) => c.name), "help"]
  const guess = nearestName(typed, names)
  const hint = guess === undefined ? `expected one of ${names.join(", ")}` : `did you mean ${guess}?`
  return `${start}; ${hint} (see gateway --help)`
}
