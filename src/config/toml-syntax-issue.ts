/**
 * Converts the exception `Bun.TOML.parse` throws into a `ConfigIssue` that
 * points at the line, so a syntax error reads like every other config error.
 * Bun's error carries no TOML line (its `line` is the JavaScript call site),
 * so the line is found by parsing ever longer prefixes of the file until
 * the same error appears.
 */
import type { ConfigIssue } from "./config-issue.ts"

/** The issue for `text`, which failed to parse with `error`. */
export const tomlSyntaxIssue = (text: string, error: unknown): ConfigIssue => {
  const message = messageOf(error)
  const issue = { path: "", expected: "valid TOML", found: `a syntax error: ${message.replace(/^TOML Parse error:\s*/, "")}` }
  const line = locate(text, message)
  return line === undefined ? issue : { ...issue, line }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** The 1-based line at which a prefix of `text` first fails with `message`, if any. */
const locate = (text: string, message: string): number | undefined => {
  const lines = text.split("\n")
  for (let count = 1; count <= lines.length; count++) {
    try {
      Bun.TOML.parse(lines.slice(0, count).join("\n"))
    } catch (error) {
      if (messageOf(error) === message) return count
    }
  }
  return undefined
}
