/**
 * A command line the CLI cannot act on. It is one line that says what to
 * type instead, printed to stderr with exit code 2, never a stack trace.
 */
import { Data } from "effect"

/** A bad flag, value or argument; `line` is the whole message, prefix included. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly line: string }> {}
