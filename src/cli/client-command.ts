/**
 * `gateway client SUBCOMMAND`: the failover client's commands (paper B's user side).
 * This file only picks the subcommand; each one (locate, submit, lookup, list, claim) lives in
 * its own module with its own flags and help.
 */
import { makeClaimCommand } from "./client-claim-command.ts"
import { makeListCommand } from "./client-list-command.ts"
import { makeLocateCommand } from "./client-locate-command.ts"
import { makeLookupCommand } from "./client-lookup-command.ts"
import { makeSubmitCommand } from "./client-submit-command.ts"
import type { Command } from "./command.ts"
import { type Picked, pickByName, runPicked } from "./command-group.ts"
import type { HelpText } from "./help-text.ts"
import type { UsageError } from "./usage-error.ts"

/** Picks the subcommand argv names, or a one-line error naming the nearest one. */
export const parseClientArgs = (argv: ReadonlyArray<string>, commands: ReadonlyArray<Command>): Picked<Command> | UsageError =>
  pickByName(argv, commands, {
    missing: (names) => `gateway client: missing subcommand; type gateway client ${names.join("|")} (see gateway client --help)`,
    flagFirst: (flag) => `gateway client: expected a subcommand before ${flag}; type gateway client ${commands.map((c) => c.name).join("|")} [FLAGS]`,
    unknown: (name, hint) => `gateway client: unknown subcommand "${name}"; ${hint} (see gateway client --help)`,
  })

/** The text of `gateway client --help`. */
export const clientHelp = (commands: ReadonlyArray<Command>): HelpText => ({
  usage: ["gateway client locate|submit|lookup|list|claim [FLAGS]"],
  description: [
    "The failover client of paper B: finds the sample service through the",
    "ServiceRegistry contract, follows its moves, submits numbers to the leader with",
    "retries under one request id, and claims on chain when nobody answers.",
    "gateway client SUBCOMMAND --help shows a subcommand's flags.",
  ],
  sections: [{ title: "Subcommands", rows: commands.map((c): readonly [string, string] => [c.name, c.summary]) }],
  flags: [],
  examples: [
    ["gateway client locate", "Where the service is now"],
    ["gateway client submit 42", "Apply 42 at the leader"],
    ["gateway client lookup o-17", "Was request o-17 applied? (asks, never resubmits)"],
    ["gateway client list", "The numbers the leader has applied"],
  ],
})

/** Builds the command over its subcommands; tests pass an environment of their own. */
export const makeClientCommand = (env: Readonly<Record<string, string | undefined>> = process.env): Command => {
  const commands = [makeLocateCommand(env), makeSubmitCommand(env), makeLookupCommand(env), makeListCommand(env), makeClaimCommand(env)]
  const help = clientHelp(commands)
  return {
    name: "client",
    summary: "Find the service through the registry, submit to its leader, claim",
    flags: [],
    help,
    run: (args, context) => runPicked(parseClientArgs(args, commands), help, context, (command, rest) => command.run(rest, context)),
  }
}

/** `gateway client`. */
export const clientCommand: Command = makeClientCommand()
