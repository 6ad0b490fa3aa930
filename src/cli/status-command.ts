/**
 * `gateway status`: where a request stands, read from the intake through the client
 * SDK. `gateway status ID` prints its latest record and its transitions; `--wait`
 * follows it until it is final; `--batch ID` prints a batch's counts per status;
 * `--list` pages through requests by status, sender, chain and time, so an operator
 * can find what failed since this morning. Exit 0 when found (and, with --wait, when
 * reached), 1 when not, 2 for a bad command line.
 */
import type { RequestStatus } from "../domain/status.ts"
import { GATEWAY_CLIENT_DEFAULTS, type ListFilters, makeGatewayClient, type RequestView } from "../client/index.ts"
import { millis } from "./client-list-command.ts"
import { argsOrExit, usageFailed } from "./client-target.ts"
import type { CliContext, Command } from "./command.ts"
import { flagValue, type FlagSpec, parseFlags } from "./flag-parser.ts"
import type { HelpText } from "./help-text.ts"
import { INTAKE_FLAGS, type IntakeArgs, parseIntakeArgs, resolveIntake } from "./intake-target.ts"
import { describeRequest, failureLine } from "./send-command.ts"
import { textTable } from "./text-table.ts"
import { UsageError } from "./usage-error.ts"

const PREFIX = "gateway status"

const STATUSES: ReadonlyArray<RequestStatus> = ["accepted", "signed", "submitted", "confirmed", "failed", "dlq", "cancelled"]
const WAITABLE = ["signed", "submitted", "confirmed", "final"] as const

const FLAGS: ReadonlyArray<FlagSpec> = [
  { name: "--wait", description: "Wait until the request is final (confirmed, failed or dlq)" },
  { name: "--until", value: "STATUS", example: "confirmed", description: `Wait until this status instead: ${WAITABLE.join(", ")}` },
  { name: "--timeout", value: "MS", example: "120000", description: "How long --wait may take", default: String(GATEWAY_CLIENT_DEFAULTS.waitTimeoutMs) },
  { name: "--batch", value: "ID", example: "5b0c…", description: "Show a batch: its counts per status (the id gateway send --file printed)" },
  { name: "--list", description: "List requests, oldest first, filtered by the flags below" },
  { name: "--status", value: "STATUS", example: "failed", description: `--list: only this status (${STATUSES.join(", ")})` },
  { name: "--sender", value: "SENDER", example: "0x7099…79C8", description: "--list: only this sender (an Ethereum address or a Bitcoin account)" },
  { name: "--chain", value: "CHAIN", example: "ethereum", description: "--list: only bitcoin or ethereum" },
  { name: "--since", value: "TIME", example: "2026-12-05T08:00:00Z", description: "--list: only requests first seen at or after TIME (ISO 8601 or epoch ms)" },
  { name: "--limit", value: "N", example: "500", description: "--list: print at most N requests", default: "100" },
  ...INTAKE_FLAGS,
]

/** The parsed command line of `gateway status`. */
export type StatusArgs =
  | { readonly _tag: "Help" }
  | { readonly _tag: "Request"; readonly id: string; readonly wait: (typeof WAITABLE)[number] | undefined; readonly waitTimeoutMs: number; readonly intake: IntakeArgs }
  | { readonly _tag: "Batch"; readonly batchId: string; readonly intake: IntakeArgs }
  | { readonly _tag: "List"; readonly filters: ListFilters; readonly limit: number; readonly intake: IntakeArgs }

const usage = (line: string) => new UsageError({ line: `${PREFIX}: ${line}` })
const LIST_ONLY = ["--status", "--sender", "--chain", "--since", "--limit"] as const
const WAIT_ONLY = ["--wait", "--until", "--timeout"] as const

/** Parses the arguments after `gateway status`. */
export const parseStatusArgs = (argv: ReadonlyArray<string>): StatusArgs | UsageError => {
  const parsed = parseFlags(argv, FLAGS, { prefix: PREFIX, helpCommand: `${PREFIX} --help` })
  if (parsed instanceof UsageError) return parsed
  if (parsed.help) return { _tag: "Help" }
  const intake = parseIntakeArgs(parsed, PREFIX)
  if (intake instanceof UsageError) return intake
  const [id, extra] = parsed.positionals
  if (extra !== undefined) return usage(`unexpected argument "${extra}"; give one request id`)
  const given = (names: ReadonlyArray<string>) => names.filter((name) => parsed.values.has(name))
  const batchId = flagValue(parsed, "--batch")
  const modes = [id !== undefined ? "a request id" : undefined, batchId !== undefined ? "--batch" : undefined, parsed.values.has("--list") ? "--list" : undefined].filter((m) => m !== undefined)
  if (modes.length > 1) return usage(`give one of a request id, --batch ID or --list; found ${modes.join(" and ")}`)
  if (modes.length === 0) return usage(`missing what to show; type ${PREFIX} ID, ${PREFIX} --batch ID or ${PREFIX} --list --status failed`)
  if (!parsed.values.has("--list") && given(LIST_ONLY).length > 0) return usage(`${given(LIST_ONLY).join(", ")} applies to --list only`)
  if (id === undefined && given(WAIT_ONLY).length > 0) return usage(`${given(WAIT_ONLY).join(", ")} applies to one request id only`)
  if (batchId !== undefined) return { _tag: "Batch", batchId, intake }
  if (id !== undefined) {
    const until = flagValue(parsed, "--until")
    if (until !== undefined && !(WAITABLE as ReadonlyArray<string>).includes(until)) return usage(`--until must be one of ${WAITABLE.join(", ")}; found "${until}"`)
    const wait = until !== undefined ? (until as (typeof WAITABLE)[number]) : parsed.values.has("--wait") ? "final" : undefined
    const waitTimeoutMs = millis(PREFIX, "--timeout", flagValue(parsed, "--timeout"), GATEWAY_CLIENT_DEFAULTS.waitTimeoutMs)
    if (waitTimeoutMs instanceof UsageError) return waitTimeoutMs
    return { _tag: "Request", id, wait, waitTimeoutMs, intake }
  }
  const status = flagValue(parsed, "--status")
  if (status !== undefined && !(STATUSES as ReadonlyArray<string>).includes(status)) return usage(`--status must be one of ${STATUSES.join(", ")}; found "${status}"`)
  const chain = flagValue(parsed, "--chain")
  if (chain !== undefined && chain !== "bitcoin" && chain !== "ethereum") return usage(`--chain must be bitcoin or ethereum; found "${chain}"`)
  const limitText = flagValue(parsed, "--limit") ?? "100"
  const limit = /^[1-9][0-9]{0,6}$/.test(limitText) ? Number(limitText) : 0
  if (limit < 1) return usage(`--limit must be a whole number from 1 to 9999999; found "${limitText}"`)
  const sender = flagValue(parsed, "--sender")
  const since = flagValue(parsed, "--since")
  const filters: ListFilters = {
    ...(status === undefined ? {} : { status: status as RequestStatus }),
    ...(sender === undefined ? {} : { sender }),
    ...(chain === undefined ? {} : { chain }),
    ...(since === undefined ? {} : { since: /^[0-9]+$/.test(since) ? Number(since) : since }),
    limit: Math.min(limit, 1000),
  }
  return { _tag: "List", filters, limit, intake }
}

/** The text of `gateway status --help`. */
export const STATUS_HELP: HelpText = {
  usage: [`${PREFIX} ID [--wait | --until STATUS]`, `${PREFIX} --batch ID`, `${PREFIX} --list [--status S] [--sender X] [--chain C] [--since TIME] [--limit N]`],
  description: [
    "Shows where a request stands, from the intake's status store: its latest status,",
    "txid and block, and every transition with its time and reason. --wait follows it",
    "until it is final. --batch shows a batch's counts per status; --list finds",
    "requests by status, sender, chain and time, e.g. what failed since this morning.",
  ],
  flags: FLAGS,
  examples: [
    [`${PREFIX} 3f2c…`, "One request and its history"],
    [`${PREFIX} 3f2c… --until confirmed`, "Wait until it is mined with enough confirmations"],
    [`${PREFIX} --list --status failed --since 2026-12-05T08:00:00Z`, "What failed since 08:00"],
    [`${PREFIX} --list --status signed --chain ethereum`, "What is signed but not yet sent"],
  ],
}

const time = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", "")

const printRequest = (r: RequestView, context: CliContext) => {
  context.out(describeRequest(r))
  if (r.history.length === 0) return
  const rows = r.history.map((t) => [time(t.at), t.status, String(t.rev), t.reason ?? (t.txid === undefined ? "" : `txid ${t.txid}`)])
  for (const line of textTable(["at (UTC)", "status", "rev", "detail"], rows)) context.out(`  ${line}`)
}

/** Builds the command; tests pass their own environment. */
export const makeStatusCommand = (env: Readonly<Record<string, string | undefined>> = process.env): Command => ({
  name: "status",
  summary: "Show a request, a batch, or the requests in a status (e.g. what failed)",
  flags: FLAGS,
  help: STATUS_HELP,
  run: async (argv, context) => {
    const args = argsOrExit(parseStatusArgs(argv), STATUS_HELP, context)
    if (typeof args === "number") return args
    const options = resolveIntake(args.intake, env, PREFIX)
    if (options instanceof UsageError) return usageFailed(context, options)
    const client = makeGatewayClient(options)
    const json = args.intake.json
    switch (args._tag) {
      case "Request": {
        if (args.wait !== undefined) {
          const result = await client.waitFor(args.id, args.wait as RequestStatus | "final", { timeoutMs: args.waitTimeoutMs })
          if (json) context.out(JSON.stringify(result))
          if (result._tag === "Refused") {
            if (!json) context.err(`${PREFIX}: ${failureLine(result)}`)
            return 1
          }
          if (result._tag === "TimedOut") {
            if (!json) context.err(`${PREFIX}: ${args.id} is still ${result.last?.status ?? "not visible on this intake"} after ${Math.round(result.waitedMs / 1000)} s`)
            return 1
          }
          if (!json) printRequest(result.request, context)
          return result._tag === "Reached" && result.request.status !== "failed" && result.request.status !== "dlq" && result.request.status !== "cancelled" ? 0 : 1
        }
        const result = await client.status(args.id)
        if (json) context.out(JSON.stringify(result))
        if (result._tag === "Found") {
          if (!json) printRequest(result.request, context)
          return 0
        }
        if (!json) context.err(`${PREFIX}: ${result._tag === "NotFound" ? result.message : failureLine(result)}`)
        return 1
      }
      case "Batch": {
        const result = await client.batch(args.batchId)
        if (json) context.out(JSON.stringify(result))
        if (result._tag !== "Found") {
          if (!json) context.err(`${PREFIX}: ${result._tag === "NotFound" ? result.message : failureLine(result)}`)
          return 1
        }
        if (!json) {
          const counts = Object.entries(result.batch.counts).filter(([, n]) => n > 0)
          context.out(`batch ${result.batch.batch_id}: ${result.batch.total} request(s)${counts.length === 0 ? "" : `: ${counts.map(([s, n]) => `${n} ${s}`).join(", ")}`}`)
          context.out(`  list one status: ${PREFIX} --list --status failed (or GET /v1/batches/${result.batch.batch_id}?status=failed)`)
        }
        return 0
      }
      case "List": {
        const rows: string[][] = []
        const stream = client.list(args.filters)
        let shown = 0
        let step = await stream.next()
        while (step.done !== true && shown < args.limit) {
          const r = step.value
          shown++
          if (json) context.out(JSON.stringify(r))
          else rows.push([r.id, r.status, r.chain, r.sender, time(r.at), r.reason ?? r.txid ?? ""])
          if (shown < args.limit) step = await stream.next()
        }
        if (step.done === true && step.value !== undefined) {
          context.err(`${PREFIX}: ${failureLine(step.value)}`)
          return 1
        }
        if (!json) {
          if (rows.length === 0) context.out("no requests match")
          else for (const line of textTable(["id", "status", "chain", "sender", "at (UTC)", "reason or txid"], rows)) context.out(line)
          if (shown >= args.limit) context.err(`${PREFIX}: stopped at --limit ${args.limit}; raise it to see more, if there are more`)
        }
        return 0
      }
    }
  },
})

/** `gateway status`. */
export const statusCommand: Command = makeStatusCommand()
