/**
 * How an invalid config is shown, the same for `gateway run` and
 * `gateway config check`: every issue on its own line, then one line that
 * says what to do next.
 */
import type { ConfigError } from "../config/index.ts"
import { type CliContext, EXIT_USAGE } from "./command.ts"

/** Prints `error` to stderr and returns the exit code for an unusable config. */
export const printConfigError = (context: CliContext, error: ConfigError): number => {
  for (const line of error.lines()) context.err(line)
  context.err(`gateway: ${error.summary()}`)
  return EXIT_USAGE
}
