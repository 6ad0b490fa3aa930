/**
 * `gateway client submit NUMBER`: applies one number through the failover client. It
 * finds the leader in the registry, follows a 421 to the leader a replica names, and
 * (unless --no-retry) re-reads the registry and retries under the same request id until
 * the deadline; after --claim-after unanswered attempts it files one claim when a key
 * is set. Exit 0 when applied, 1 when not, 2 for a bad command line or config.
 */
import { type ClaimOutcome, CLIENT_DEFAULTS, describeFailure, isHttpUrl, makeFailoverClient } from "../client/index.ts"
import type { CliContext, Command } from "./command.ts"
import { DEFAULT_CLIENT_KEY_ENV, KEY_ENV_FLAG, type KeyEnvArg, parseKeyEnv, readKey } from "./client-key.ts"
import { millis } from "./client-list-command.ts"
import { argsOrExit, parseTargetArgs, resolveTarget, TARGET_FLAGS, type TargetArgs, usageFailed } from "./client-target.ts"
import { flagValue, type FlagSpec, parseFlags } from "./flag-parser.ts"
import type { HelpText } from "./help-text.ts"
import { UsageError } from "./usage-error.ts"

const PREFIX = "gateway client submit"

const FLAGS: ReadonlyArray<FlagSpec> = [
  { name: "--request-id", value: "ID", example: "order-17", description: "Request id; send the same id again to retry without applying twice", default: "a new UUID" },
  { name: "--no-retry", description: "Make exactly one attempt (paper B's client)" },
  { name: "--any-replica", description: "Ask whichever replica the attempt reaches to serve it: a follower relays it to the leader instead of answering 421" },
  { name: "--members", value: "URLS", example: "http://10.0.0.11:8090,http://10.0.0.12:8090", description: "The replica set's locations, comma-separated: an attempt the registry's location leaves unanswered for 500 ms (or refuses) is also sent to one of these, and while it stays silent retries go to them; each relays to whoever leads now. With --no-retry, only together with --any-replica", default: "the set the leader published in the registry" },
  { name: "--timeout", value: "MS", example: "2000", description: "How long one attempt may take", default: String(CLIENT_DEFAULTS.requestTimeoutMs) },
  { name: "--deadline", value: "MS", example: "30000", description: "How long the whole submit may take with retries", default: String(CLIENT_DEFAULTS.deadlineMs) },
  { name: "--claim-after", value: "N", example: "3", description: "Unanswered attempts at one location before one claim is sent", default: String(CLIENT_DEFAULTS.claimAfterFailures) },
  KEY_ENV_FLAG,
  ...TARGET_FLAGS,
]

/** The parsed command line of `gateway client submit`. */
export type SubmitArgs =
  | { readonly _tag: "Help" }
  | {
      readonly _tag: "Submit"
      readonly number: number
      readonly requestId: string | undefined
      readonly retry: boolean
      readonly anyReplica: boolean
      readonly members: readonly string[]
      readonly timeoutMs: number
      readonly deadlineMs: number
      readonly claimAfter: number
      readonly keyEnv: KeyEnvArg
      readonly target: TargetArgs
    }

/** Moves a negative number that is not a flag's value behind `--`, so `submit -5` means the number -5. */
const negativesAsPositionals = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const end = argv.indexOf("--")
  const head = end < 0 ? argv : argv.slice(0, end)
  const tail = end < 0 ? [] : argv.slice(end + 1)
  const takesValue = (arg: string | undefined) => FLAGS.some((f) => f.name === arg && f.value !== undefined)
  const negatives = head.filter((a, i) => /^-[0-9]+$/.test(a) && !takesValue(head[i - 1]))
  if (negatives.length === 0) return argv
  const rest = head.filter((a, i) => !(/^-[0-9]+$/.test(a) && !takesValue(head[i - 1])))
  return [...rest, "--", ...negatives, ...tail]
}

/** Parses the arguments after `gateway client submit`; a negative number may be given as is (`-5`). */
export const parseSubmitArgs = (argv: ReadonlyArray<string>): SubmitArgs | UsageError => {
  const parsed = parseFlags(negativesAsPositionals(argv), FLAGS, { prefix: PREFIX, helpCommand: `${PREFIX} --help` })
  if (parsed instanceof UsageError) return parsed
  if (parsed.help) return { _tag: "Help" }
  const [text, extra] = parsed.positionals
  if (text === undefined) return new UsageError({ line: `${PREFIX}: missing the number; type ${PREFIX} 42` })
  if (extra !== undefined) return new UsageError({ line: `${PREFIX}: unexpected argument "${extra}"; submit one number at a time` })
  const number = /^-?[0-9]+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(number)) {
    return new UsageError({ line: `${PREFIX}: the number must be a whole number from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}; found "${text}"` })
  }
  const requestId = flagValue(parsed, "--request-id")
  if (requestId !== undefined && requestId.trim() === "") return new UsageError({ line: `${PREFIX}: --request-id must not be empty; leave it out for a new UUID` })
  const membersText = flagValue(parsed, "--members")
  const members = membersText === undefined ? [] : membersText.split(",").map((m) => m.trim()).filter((m) => m !== "")
  const notUrl = members.find((m) => !isHttpUrl(m))
  if (membersText !== undefined && (members.length === 0 || notUrl !== undefined)) {
    return new UsageError({ line: `${PREFIX}: --members takes the replicas' locations, comma-separated http:// URLs, e.g. --members http://10.0.0.11:8090,http://10.0.0.12:8090; found "${notUrl ?? membersText}"` })
  }
  const timeoutMs = millis(PREFIX, "--timeout", flagValue(parsed, "--timeout"), CLIENT_DEFAULTS.requestTimeoutMs)
  if (timeoutMs instanceof UsageError) return timeoutMs
  const deadlineMs = millis(PREFIX, "--deadline", flagValue(parsed, "--deadline"), CLIENT_DEFAULTS.deadlineMs)
  if (deadlineMs instanceof UsageError) return deadlineMs
  const claimText = flagValue(parsed, "--claim-after")
  const claimAfter = claimText === undefined ? CLIENT_DEFAULTS.claimAfterFailures : /^[0-9]+$/.test(claimText) ? Number(claimText) : Number.NaN
  if (!Number.isSafeInteger(claimAfter) || claimAfter < 1 || claimAfter > 1000) {
    return new UsageError({ line: `${PREFIX}: --claim-after must be a whole number from 1 to 1000, e.g. --claim-after 3; found "${claimText ?? ""}"` })
  }
  const keyEnv = parseKeyEnv(parsed, PREFIX)
  if (keyEnv instanceof UsageError) return keyEnv
  const target = parseTargetArgs(parsed, PREFIX)
  if (target instanceof UsageError) return target
  return { _tag: "Submit", number, requestId, retry: !parsed.values.has("--no-retry"), anyReplica: parsed.values.has("--any-replica"), members, timeoutMs, deadlineMs, claimAfter, keyEnv, target }
}

/** The text of `gateway client submit --help`. */
export const SUBMIT_HELP: HelpText = {
  usage: ["gateway client submit NUMBER [--request-id ID] [--no-retry] [--any-replica] [--members URLS] [--config FILE] [--rpc-url URL] [--registry ADDRESS] [--service ID]"],
  description: [
    "Applies NUMBER through the failover client: it finds the leader in the registry,",
    "follows a 421 to the leader a replica names and, unless --no-retry, re-reads the",
    "registry and retries under the same request id until --deadline, so the number is",
    "applied at most once. After --claim-after unanswered attempts at the registry's",
    `location it sends one claim, if ${DEFAULT_CLIENT_KEY_ENV} (or --key-env VAR) holds a key.`,
  ],
  flags: FLAGS,
  examples: [
    ["gateway client submit 42", "Apply 42, retrying across a failover"],
    ["gateway client submit 42 --request-id order-17", "Apply it under a chosen id; sending it again answers the first index"],
    ["gateway client submit 42 --no-retry --timeout 1000", "One attempt, as paper B's client"],
    ["gateway client submit 42 --no-retry --any-replica", "One attempt that a follower relays to the leader"],
    ["gateway client submit 42 --no-retry --any-replica --members http://10.0.0.11:8090,http://10.0.0.12:8090", "One submission, also sent to a member if the registry's location is silent or refuses it"],
    ["gateway client submit 42 --members http://10.0.0.11:8090,http://10.0.0.12:8090", "Retry through the other replicas while the registry still names a silent leader"],
  ],
}

const claimLine = (outcome: ClaimOutcome): string => {
  switch (outcome._tag) {
    case "Claimed":
      return `claimed that ${outcome.location} does not answer (transaction ${outcome.txHash}, block ${outcome.blockNumber}, from ${outcome.claimant})`
    case "Refused":
      return `claim against ${outcome.location} not taken: ${outcome.detail}`
    case "Failed":
      return `claim against ${outcome.location} failed: ${outcome.detail}`
  }
}

/** Builds the command; tests pass their own environment. */
export const makeSubmitCommand = (env: Readonly<Record<string, string | undefined>> = process.env): Command => ({
  name: "submit",
  summary: "Apply one number through the failover client",
  flags: FLAGS,
  help: SUBMIT_HELP,
  run: async (argv: ReadonlyArray<string>, context: CliContext) => {
    const args = argsOrExit(parseSubmitArgs(argv), SUBMIT_HELP, context)
    if (typeof args === "number") return args
    const key = readKey(args.keyEnv, env, PREFIX)
    if (key instanceof UsageError) return usageFailed(context, key)
    if (key === undefined && args.keyEnv.explicit) {
      return usageFailed(context, new UsageError({ line: `${PREFIX}: environment variable ${args.keyEnv.name} is not set; export it with the claimant's 0x private key, or leave out --key-env to send no claims` }))
    }
    const target = await resolveTarget(args.target, env, context, PREFIX)
    if (typeof target === "number") return target
    const client = makeFailoverClient({
      ...target,
      retry: args.retry,
      forwardToLeader: args.anyReplica,
      members: args.members,
      requestTimeoutMs: args.timeoutMs,
      deadlineMs: args.deadlineMs,
      claimAfterFailures: args.claimAfter,
      ...(key === undefined ? {} : { claimKey: key }),
    })
    try {
      const result = await client.submit(args.number, args.requestId)
      await client.settled()
      for (const outcome of client.claimOutcomes()) context.err(`${PREFIX}: ${claimLine(outcome)}`)
      if (!result.ok) {
        context.err(`${PREFIX}: ${describeFailure(result)}`)
        return 1
      }
      const earlier = result.duplicate ? ", applied earlier under this request id" : ""
      context.out(`applied ${args.number} at index ${result.index} on ${result.node} (${result.location}${earlier})`)
      context.out(`  request id ${result.requestId}, ${result.attempts} attempt(s)`)
      return 0
    } finally {
      await client.close()
    }
  },
})
