/**
 * The one failure `loadConfig` can return: the file plus every issue found,
 * so an operator fixes the whole file in one pass instead of one error per run.
 */
import { Data } from "effect"
import { type ConfigIssue, formatConfigIssue } from "./config-issue.ts"

/** A config file that cannot be used; `issues` is never empty. */
export class ConfigError extends Data.TaggedError("ConfigError")<{
  readonly file: string
  readonly issues: ReadonlyArray<ConfigIssue>
}> {
  /** One printable line per issue, each starting with the file name. */
  lines(): ReadonlyArray<string> {
    return this.issues.map((issue) => formatConfigIssue(this.file, issue))
  }

  /** A summary that says what to do next, for the last line of the report. */
  summary(): string {
    const count = this.issues.length === 1 ? "1 problem" : `${this.issues.length} problems`
    return `${this.file} has ${count}; fix ${this.issues.length === 1 ? "it" : "them"} and run gateway config check ${this.file} again`
  }
}
