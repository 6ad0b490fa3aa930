/**
 * `gateway client list`: the numbers the leader has applied (GET /v1/numbers at the
 * registry's location), one per line after a header naming the node and its LPI; what
 * the bench compares each replica's list against. Exit 1 when nothing answers.
 */
import { isNoLocation, makeFailoverClient } from "../client/index.ts"
import type { CliContext, Command } from "./command.ts"
import { noLocationLine } from "./client-locate-command.ts"
import { argsOrExit, parseTargetArgs, resolveTarget, TARGET_FLAGS, type TargetArgs } from "./client-target.ts"
import { flagValue, type FlagSpec, parseFlags } from "./flag-parser.ts"
import type { HelpText } from "./help-text.ts"
import { UsageError } from "./usage-error.ts"

const PREFIX = "gateway client list"
const FLAGS: ReadonlyArray<FlagSpec> = [
  ...TARGET_FLAGS,
  { name: "--timeout", value: "MS", example: "2000", description: "How long the read may take", default: "2000" },
]

/** The parsed command line of `gateway client list`. */
export type ListArgs = { readonly _tag: "Help" } | { readonly _tag: "List"; readonly target: TargetArgs; readonly timeoutMs: number }

/** A whole number of milliseconds from 1 to 10 minutes, or the error naming the flag. */
export const millis = (prefix: string, flag: string, text: string | undefined, fallback: number): number | UsageError => {
  if (text === undefined) return fallback
  const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(value) || value < 1 || value > 600_000) {
    return new UsageError({ line: `${prefix}: ${flag} must be a whole number of milliseconds from 1 to 600000, e.g. ${flag} 2000; found "${text}"` })
  }
  return value
}

/** Parses the arguments after `gateway client list`. */
export const parseListArgs = (argv: ReadonlyArray<string>): ListArgs | UsageError => {
  const parsed = parseFlags(argv, FLAGS, { prefix: PREFIX, helpCommand: `${PREFIX} --help` })
  if (parsed instanceof UsageError) return parsed
  if (parsed.help) return { _tag: "Help" }
  const [extra] = parsed.positionals
  if (extra !== undefined) return new UsageError({ line: `${PREFIX}: unexpected argument "${extra}"; list takes no arguments, only flags` })
  const target = parseTargetArgs(parsed, PREFIX)
  if (target instanceof UsageError) return target
  const timeoutMs = millis(PREFIX, "--timeout", flagValue(parsed, "--timeout"), 2_000)
  return timeoutMs instanceof UsageError ? timeoutMs : { _tag: "List", target, timeoutMs }
}

/** The text of `gateway client list --help`. */
export const LIST_HELP: HelpText = {
  usage: ["gateway client list [--config FILE] [--rpc-url URL] [--registry ADDRESS] [--service ID]"],
  description: [
    "Finds the service through the registry and prints the numbers its leader has",
    "applied, in log order: a header line, then one number per line.",
  ],
  flags: FLAGS,
  examples: [["gateway client list", "The leader's list for the service of config/local.toml"]],
}

/** Builds the command; tests pass their own environment. */
export const makeListCommand = (env: Readonly<Record<string, string | undefined>> = process.env): Command => ({
  name: "list",
  summary: "Print the numbers the leader has applied",
  flags: FLAGS,
  help: LIST_HELP,
  run: async (argv: ReadonlyArray<string>, context: CliContext) => {
    const args = argsOrExit(parseListArgs(argv), LIST_HELP, context)
    if (typeof args === "number") return args
    const target = await resolveTarget(args.target, env, context, PREFIX)
    if (typeof target === "number") return target
    const client = makeFailoverClient({ ...target, retry: false, requestTimeoutMs: args.timeoutMs })
    try {
      const listing = await client.list()
      if (isNoLocation(listing)) {
        context.err(`${PREFIX}: ${noLocationLine(listing, target)}`)
        return 1
      }
      if (listing._tag === "ReadFailed") {
        context.err(`${PREFIX}: the service did not list its numbers at ${listing.location} (${listing.detail}); run gateway client locate, or retry after a failover`)
        return 1
      }
      context.out(`node ${listing.node} at ${listing.location}: ${listing.numbers.length} number(s), last applied index ${listing.lpi}`)
      for (const n of listing.numbers) context.out(String(n))
      return 0
    } finally {
      await client.close()
    }
  },
})
