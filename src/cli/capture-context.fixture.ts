/**
 * A `CliContext` that records what a command prints, for tests that run
 * commands in-process (the CLI's equivalent of hono's `app.request()`).
 */
import type { CliContext } from "./command.ts"

/** A recording context and the lines written to each stream. */
export interface CapturedContext {
  readonly context: CliContext
  readonly out: Array<string>
  readonly err: Array<string>
}

/** A fresh recording context; `machineName` stands in for `os.hostname()`. */
export const captureContext = (machineName = "test-machine"): CapturedContext => {
  const out: Array<string> = []
  const err: Array<string> = []
  return {
    out,
    err,
    context: { out: (line) => out.push(line), err: (line) => err.push(line), hostname: () => machineName },
  }
}
