/**
 * `gateway cancel ID`: asks the intake to cancel a request, through the client SDK. Not
 * signed yet: it is skipped. An Ethereum transaction signed but not mined: it is
 * replaced at its nonce by a zero-value self-transfer, best effort. A Bitcoin payment
 * already broadcast, or a final request: refused, saying why. `--wait` follows the
 * request until it is final and says which way it went. Exit 0 when the cancel was
 * recorded (with --wait: when the request ended `cancelled`), 1 otherwise, 2 for a bad
 * command line.
 */
import { GATEWAY_CLIENT_DEFAULTS, makeGatewayClient } from "../client/index.ts"
import { millis } from "./client-list-command.ts"
import { argsOrExit, usageFailed } from "./client-target.ts"
import type { Command } from "./command.ts"
import { flagValue, type FlagSpec, parseFlags } from "./flag-parser.ts"
import type { HelpText } from "./help-text.ts"
import { INTAKE_FLAGS, type IntakeArgs, parseIntakeArgs, resolveIntake } from "./intake-target.ts"
import { describeRequest, failureLine } from "./send-command.ts"
import { UsageError } from "./usage-error.ts"

const PREFIX = "gateway cancel"

const FLAGS: ReadonlyArray<FlagSpec> = [
  { name: "--wait", description: "Wait until the request is final, and say whether the cancel took" },
  { name: "--timeout", value: "MS", example: "120000", description: "How long --wait may take", default: String(GATEWAY_CLIENT_DEFAULTS.waitTimeoutMs) },
  ...INTAKE_FLAGS,
]

/** The parsed command line of `gateway cancel`. */
export type CancelArgs = { readonly _tag: "Help" } | { readonly _tag: "Cancel"; readonly id: string; readonly wait: boolean; readonly waitTimeoutMs: number; readonly intake: IntakeArgs }

/** Parses the arguments after `gateway cancel`. */
export const parseCancelArgs = (argv: ReadonlyArray<string>): CancelArgs | UsageError => {
  const parsed = parseFlags(argv, FLAGS, { prefix: PREFIX, helpCommand: `${PREFIX} --help` })
  if (parsed instanceof UsageError) return parsed
  if (parsed.help) return { _tag: "Help" }
  const [id, extra] = parsed.positionals
  if (id === undefined) return new UsageError({ line: `${PREFIX}: missing the request id; type ${PREFIX} ID (the id gateway send printed)` })
  if (extra !== undefined) return new UsageError({ line: `${PREFIX}: unexpected argument "${extra}"; cancel one request at a time` })
  const waitTimeoutMs = millis(PREFIX, "--timeout", flagValue(parsed, "--timeout"), GATEWAY_CLIENT_DEFAULTS.waitTimeoutMs)
  if (waitTimeoutMs instanceof UsageError) return waitTimeoutMs
  const wait = parsed.values.has("--wait")
  if (parsed.values.has("--timeout") && !wait) return new UsageError({ line: `${PREFIX}: --timeout applies to --wait; add it` })
  const intake = parseIntakeArgs(parsed, PREFIX)
  if (intake instanceof UsageError) return intake
  return { _tag: "Cancel", id, wait, waitTimeoutMs, intake }
}

/** The text of `gateway cancel --help`. */
export const CANCEL_HELP: HelpText = {
  usage: [`${PREFIX} ID [--wait]`],
  description: [
    "Cancels a request. Not signed yet: the executor skips it. An Ethereum transaction",
    "signed but not mined: it is replaced at its nonce by a zero-value self-transfer with",
    "higher fees, best effort; whichever is mined first decides. A Bitcoin payment",
    "already broadcast, or a request already final, cannot be cancelled (exit 1, saying",
    "why). --wait follows the request to its end and says which way it went.",
  ],
  flags: FLAGS,
  examples: [
    [`${PREFIX} 3f2c…`, "Ask to cancel; follow it with gateway status 3f2c… --wait"],
    [`${PREFIX} 3f2c… --wait`, "Ask, then wait until it is cancelled (exit 0) or confirmed (exit 1)"],
  ],
}

/** Builds the command; tests pass their own environment. */
export const makeCancelCommand = (env: Readonly<Record<string, string | undefined>> = process.env): Command => ({
  name: "cancel",
  summary: "Cancel a request: skipped if not yet signed, replaced at its nonce if an unmined Ethereum transaction",
  flags: FLAGS,
  help: CANCEL_HELP,
  run: async (argv, context) => {
    const args = argsOrExit(parseCancelArgs(argv), CANCEL_HELP, context)
    if (typeof args === "number") return args
    const options = resolveIntake(args.intake, env, PREFIX)
    if (options instanceof UsageError) return usageFailed(context, options)
    const client = makeGatewayClient(options)
    const json = args.intake.json
    const result = await client.cancel(args.id)
    if (json) context.out(JSON.stringify(result))
    if (!result.ok) {
      if (!json) context.err(`${PREFIX}: ${result._tag === "NotFound" || result._tag === "NotCancellable" ? result.message : failureLine(result)}`)
      return 1
    }
    if (!json) context.out(`cancel ${result.replayed ? "already " : ""}requested for ${result.id} (it was ${result.status}): ${result.next}`)
    if (!args.wait) return 0
    const end = await client.waitFor(args.id, "final", { timeoutMs: args.waitTimeoutMs })
    if (json) context.out(JSON.stringify(end))
    if (end._tag === "Reached") {
      if (!json) context.out(describeRequest(end.request))
      return end.request.status === "cancelled" ? 0 : 1
    }
    if (!json) context.err(`${PREFIX}: ${end._tag === "Refused" ? failureLine(end) : end._tag === "TimedOut" ? `${args.id} is still ${end.last?.status ?? "unknown"} after ${Math.round(end.waitedMs / 1000)} s` : describeRequest(end.request)}`)
    return 1
  },
})

/** `gateway cancel`. */
export const cancelCommand: Command = makeCancelCommand()
