/**
 * The gateway CLI's dispatch table, and nothing else: each subcommand lives
 * in its own module, which parses its argv into typed data and runs.
 */
import { benchCommand } from "./bench-command.ts"
import { cancelCommand } from "./cancel-command.ts"
import { clientCommand } from "./client-command.ts"
import { type CliContext, processContext } from "./command.ts"
import { configCommand } from "./config-command.ts"
import { contractsCommand } from "./contracts-command.ts"
import { type CommandTable, dispatch } from "./dispatch.ts"
import { runCommand } from "./run-command.ts"
import { sendCommand } from "./send-command.ts"
import { statusCommand } from "./status-command.ts"

/** Subcommand name to module; `run` is what a bare `gateway` or `gateway --flag` means. */
export const COMMANDS: CommandTable = {
  run: runCommand,
  config: configCommand,
  bench: benchCommand,
  contracts: contractsCommand,
  send: sendCommand,
  status: statusCommand,
  cancel: cancelCommand,
  client: clientCommand,
}

/** Runs the CLI and resolves to the exit code; the entry point passes it to process.exit. */
export const main = (argv: ReadonlyArray<string>, context: CliContext = processContext): Promise<number> =>
  dispatch({ commands: COMMANDS, defaultCommand: "run" }, argv, context)
