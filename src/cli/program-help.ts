/**
 * `gateway --help`: what the program is, its commands, and the default
 * command's flags (so `gateway --hots` users find `--host` right there).
 */
import type { Command } from "./command.ts"
import type { FlagSpec } from "./flag-parser.ts"
import type { HelpText } from "./help-text.ts"
import { VERSION } from "../app/version.ts"

/** Shown in the program help only; the dispatcher answers it before any command parses. */
const VERSION_FLAG: FlagSpec = { name: "--version", description: "Print the version and exit" }

/** The program help built from the dispatch table, so a new command shows up by itself. */
export const programHelp = (commands: ReadonlyArray<Command>, defaultCommand: Command): HelpText => ({
  usage: [
    ...defaultCommand.help.usage,
    ...commands.filter((c) => c !== defaultCommand).flatMap((c) => c.help.usage),
    "gateway help [COMMAND]",
    "gateway --version",
  ],
  description: [
    `gateway ${VERSION}: carries bursts of blockchain transactions through Kafka to the`,
    "Bitcoin and Ethereum nodes that execute them, at a pace each node can bear, and",
    "keeps its own service running when machines fail. One config file describes every",
    "host; each machine runs the roles its entry gives it.",
  ],
  sections: [
    {
      title: "Commands",
      rows: [
        ...commands.map((c): readonly [string, string] => [c.name, c.summary]),
        ["help", "Show help for a command"],
      ],
    },
  ],
  flags: [...defaultCommand.flags, VERSION_FLAG],
  examples: [
    ...defaultCommand.help.examples.slice(0, 3),
    ["gateway config check config/paper.toml", "Validate a config and show what each host runs"],
    ["gateway help config", "Show the help of the config command"],
  ],
})
