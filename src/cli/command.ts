/**
 * What every subcommand module exports, and the process surface it may use.
 * Commands write through `CliContext` instead of `console`, so tests run
 * them in-process and read what they printed.
 */
import { hostname } from "node:os"
import type { FlagSpec } from "./flag-parser.ts"
import type { HelpText } from "./help-text.ts"

/** The outside world a command sees: two output streams and the machine name. */
export interface CliContext {
  /** Writes one line (no trailing newline needed) to standard output. */
  readonly out: (line: string) => void
  /** Writes one line to standard error. */
  readonly err: (line: string) => void
  /** `os.hostname()`, used to pick the default `--host`. */
  readonly hostname: () => string
}

/** The real process: stdout, stderr and the OS hostname. */
export const processContext: CliContext = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  hostname,
}

/** One subcommand: its help and its entry point, which resolves to the exit code. */
export interface Command {
  readonly name: string
  /** One line for the command list in `gateway --help`. */
  readonly summary: string
  readonly help: HelpText
  /** Flags, reused by the program help when this is the default command. */
  readonly flags: ReadonlyArray<FlagSpec>
  /** Runs with the arguments after the command name. Never calls process.exit. */
  readonly run: (args: ReadonlyArray<string>, context: CliContext) => Promise<number>
}

/** Exit code for a bad command line or an invalid config, as most CLIs use. */
export const EXIT_USAGE = 2
