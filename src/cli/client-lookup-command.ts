/**
 * `gateway client lookup ID`: whether a request id was applied, asked of the leader
 * without resubmitting (GET /v1/requests/:id at the registry's location). What a user
 * runs after `submit --no-retry` gave up: a resubmit would apply the number if it had
 * not been, a lookup changes nothing. Exit 0 when applied, 3 when the leader does not
 * know the id, 1 when nothing answers.
 */
import { isNoLocation, makeFailoverClient } from "../client/index.ts"
import { checkRequestId } from "../actors/replica/index.ts"
import type { CliContext, Command } from "./command.ts"
import { noLocationLine } from "./client-locate-command.ts"
import { millis } from "./client-list-command.ts"
import { argsOrExit, parseTargetArgs, resolveTarget, TARGET_FLAGS, type TargetArgs } from "./client-target.ts"
import { flagValue, type FlagSpec, parseFlags } from "./flag-parser.ts"
import type { HelpText } from "./help-text.ts"
import { UsageError } from "./usage-error.ts"

const PREFIX = "gateway client lookup"
const FLAGS: ReadonlyArray<FlagSpec> = [
  ...TARGET_FLAGS,
  { name: "--timeout", value: "MS", example: "2000", description: "How long the read may take", default: "2000" },
]

/** The exit code when the leader does not know the id (not applied, or forgotten). */
export const EXIT_UNKNOWN_REQUEST = 3

/** The parsed command line of `gateway client lookup`. */
export type LookupArgs =
  | { readonly _tag: "Help" }
  | { readonly _tag: "Lookup"; readonly requestId: string; readonly target: TargetArgs; readonly timeoutMs: number }

/** Parses the arguments after `gateway client lookup`. */
export const parseLookupArgs = (argv: ReadonlyArray<string>): LookupArgs | UsageError => {
  const parsed = parseFlags(argv, FLAGS, { prefix: PREFIX, helpCommand: `${PREFIX} --help` })
  if (parsed instanceof UsageError) return parsed
  if (parsed.help) return { _tag: "Help" }
  const [requestId, extra] = parsed.positionals
  if (requestId === undefined) return new UsageError({ line: `${PREFIX}: missing the request id; type ${PREFIX} ID, e.g. ${PREFIX} o-17` })
  if (extra !== undefined) return new UsageError({ line: `${PREFIX}: unexpected argument "${extra}"; lookup takes one request id` })
  const problem = checkRequestId(requestId)
  if (problem !== undefined) return new UsageError({ line: `${PREFIX}: the request id ${problem}; found "${requestId}"` })
  const target = parseTargetArgs(parsed, PREFIX)
  if (target instanceof UsageError) return target
  const timeoutMs = millis(PREFIX, "--timeout", flagValue(parsed, "--timeout"), 2_000)
  return timeoutMs instanceof UsageError ? timeoutMs : { _tag: "Lookup", requestId, target, timeoutMs }
}

/** The text of `gateway client lookup --help`. */
export const LOOKUP_HELP: HelpText = {
  usage: ["gateway client lookup ID [--config FILE] [--rpc-url URL] [--registry ADDRESS] [--service ID]"],
  description: [
    "Asks the leader whether the request ID was applied, without resubmitting it.",
    "Prints the index it took effect at (exit 0), or that the leader does not know it",
    `(exit ${EXIT_UNKNOWN_REQUEST}): not applied, or older than the last 4096 requests it remembers.`,
  ],
  flags: FLAGS,
  examples: [["gateway client lookup o-17", "Did the submit that gave up take effect?"]],
}

/** Builds the command; tests pass their own environment. */
export const makeLookupCommand = (env: Readonly<Record<string, string | undefined>> = process.env): Command => ({
  name: "lookup",
  summary: "Ask the leader whether a request id was applied, without resubmitting",
  flags: FLAGS,
  help: LOOKUP_HELP,
  run: async (argv: ReadonlyArray<string>, context: CliContext) => {
    const args = argsOrExit(parseLookupArgs(argv), LOOKUP_HELP, context)
    if (typeof args === "number") return args
    const target = await resolveTarget(args.target, env, context, PREFIX)
    if (typeof target === "number") return target
    const client = makeFailoverClient({ ...target, retry: false, requestTimeoutMs: args.timeoutMs })
    try {
      const found = await client.lookup(args.requestId)
      if (isNoLocation(found)) {
        context.err(`${PREFIX}: ${noLocationLine(found, target)}`)
        return 1
      }
      switch (found._tag) {
        case "RequestApplied":
          context.out(`${args.requestId} applied at index ${found.index} (node ${found.node} at ${found.location}, applied up to ${found.lpi})`)
          return 0
        case "RequestUnknown":
          context.out(`${args.requestId} unknown to node ${found.node} at ${found.location} as of index ${found.lpi}: not applied, or older than the last 4096 requests; submitting it again under the same id is safe`)
          return EXIT_UNKNOWN_REQUEST
        case "ReadFailed":
          context.err(`${PREFIX}: ${found.location} did not answer the lookup (${found.detail}); run gateway client locate, or retry after a failover`)
          return 1
      }
    } finally {
      await client.close()
    }
  },
})
