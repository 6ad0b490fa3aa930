/**
 * `gateway send CHAIN METHOD --param value ...`: one request to the intake through the
 * client SDK, so nobody hand-writes the JSON of the README's curl example. `--file`
 * sends a body, or a batch, from a JSON file (`-` reads standard input). Every send
 * carries an Idempotency-Key (printed, so a retry can reuse it) and is retried under it
 * while the intake says "not now". `--wait` then follows the request until it is final.
 * Exit 0 when accepted (and, with --wait, when the wanted status is reached); 1 when
 * refused, given up or ended otherwise; 2 for a bad command line.
 */
import { readFile } from "node:fs/promises"
import type { RequestStatus } from "../domain/status.ts"
import {
  bitcoin,
  ethereum,
  GATEWAY_CLIENT_DEFAULTS,
  type GatewayClient,
  isRequestBody,
  makeGatewayClient,
  type Refused,
  type RequestBody,
  type RequestView,
  type Unavailable,
} from "../client/index.ts"
import { millis } from "./client-list-command.ts"
import { argsOrExit, usageFailed } from "./client-target.ts"
import type { CliContext, Command } from "./command.ts"
import { flagValue, type FlagSpec, parseFlags, type ParsedFlags } from "./flag-parser.ts"
import type { HelpText } from "./help-text.ts"
import { INTAKE_FLAGS, type IntakeArgs, parseIntakeArgs, resolveIntake } from "./intake-target.ts"
import { UsageError } from "./usage-error.ts"

const PREFIX = "gateway send"

/** The statuses --until takes. */
const WAITABLE = ["signed", "submitted", "confirmed", "final"] as const
type Waitable = (typeof WAITABLE)[number]

/** Each method's parameter flags: required, then optional. */
const METHODS = {
  bitcoin: {
    sendtoaddress: { required: ["--address", "--amount"], optional: [] },
    sendfrom: { required: ["--account", "--address", "--amount"], optional: ["--minconf"] },
    sendmany: { required: ["--account", "--pay"], optional: ["--minconf"] },
  },
  ethereum: {
    transfer: { required: ["--from", "--to", "--value"], optional: ["--gas-limit"] },
    call: { required: ["--from", "--to", "--abi"], optional: ["--arg", "--value", "--gas-limit"] },
    raw: { required: ["--tx"], optional: [] },
  },
} as const satisfies Record<string, Record<string, { readonly required: ReadonlyArray<string>; readonly optional: ReadonlyArray<string> }>>

const PARAM_FLAGS: ReadonlyArray<FlagSpec> = [
  { name: "--address", value: "ADDRESS", example: "sb1q…", description: "bitcoin: the address to pay" },
  { name: "--amount", value: "BTC", example: "0.015", description: "bitcoin: the amount, as a decimal with at most 8 places" },
  { name: "--account", value: "NAME", example: "payroll", description: "bitcoin sendfrom/sendmany: the wallet account paying" },
  { name: "--pay", value: "ADDRESS=BTC", example: "sb1q…=0.5", description: "bitcoin sendmany: one output; repeat it for each", repeatable: true },
  { name: "--minconf", value: "N", example: "1", description: "bitcoin sendfrom/sendmany: confirmations the spent coins need" },
  { name: "--from", value: "0xADDRESS", example: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", description: "ethereum: the sender (the gateway holds its key)" },
  { name: "--to", value: "0xADDRESS", example: "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", description: "ethereum: the recipient or contract" },
  { name: "--value", value: "WEI", example: "1000", description: "ethereum: wei to send, a whole number" },
  { name: "--gas-limit", value: "GAS", example: "60000", description: "ethereum: a gas limit instead of the node's estimate" },
  { name: "--abi", value: "FRAGMENT", example: "'function transfer(address to, uint256 amount)'", description: "ethereum call: the function to call" },
  { name: "--arg", value: "VALUE", example: "1000", description: "ethereum call: one argument, in order; repeat it for each", repeatable: true },
  { name: "--tx", value: "0xHEX", example: "0x02f8…", description: "ethereum raw: a transaction the client signed" },
]

const FLAGS: ReadonlyArray<FlagSpec> = [
  ...PARAM_FLAGS,
  { name: "--file", value: "FILE", example: "payroll.json", description: "Send the JSON body in FILE (- reads stdin); an array or {\"requests\":[…]} is sent as one batch" },
  { name: "--idempotency-key", value: "KEY", example: "payroll-2026-12-42", description: "Names the request: sending it again with the same key and body never pays twice", default: "a new UUID, printed" },
  { name: "--wait", description: "After acceptance, wait until the request is final (confirmed, failed or dlq)" },
  { name: "--until", value: "STATUS", example: "submitted", description: `Wait until this status instead: ${WAITABLE.join(", ")}` },
  { name: "--timeout", value: "MS", example: "120000", description: "How long --wait may take", default: String(GATEWAY_CLIENT_DEFAULTS.waitTimeoutMs) },
  ...INTAKE_FLAGS,
]

/** What to send: one body built from flags, or whatever a file holds. */
export type SendSource = { readonly _tag: "Body"; readonly body: RequestBody } | { readonly _tag: "File"; readonly path: string }

/** The parsed command line of `gateway send`. */
export type SendArgs =
  | { readonly _tag: "Help" }
  | {
      readonly _tag: "Send"
      readonly source: SendSource
      readonly idempotencyKey: string | undefined
      readonly wait: Waitable | undefined
      readonly waitTimeoutMs: number
      readonly intake: IntakeArgs
    }

const usage = (line: string) => new UsageError({ line: `${PREFIX}: ${line}` })

const isChain = (chain: string): chain is keyof typeof METHODS => chain in METHODS

/** The body the method's flags describe, or the line naming what is missing or out of place. */
const bodyFromFlags = (chain: string, method: string, parsed: ParsedFlags): RequestBody | UsageError => {
  if (!isChain(chain)) return usage(`unknown chain "${chain}"; expected bitcoin or ethereum, e.g. ${PREFIX} ethereum transfer --from 0x… --to 0x… --value 1000`)
  const methods: Readonly<Record<string, { readonly required: ReadonlyArray<string>; readonly optional: ReadonlyArray<string> }>> = METHODS[chain]
  const spec = methods[method]
  if (spec === undefined) return usage(`unknown ${chain} method "${method}"; expected one of ${Object.keys(methods).join(", ")}`)
  const allowed = new Set([...spec.required, ...spec.optional])
  const misplaced = PARAM_FLAGS.map((f) => f.name).filter((name) => parsed.values.has(name) && !allowed.has(name))
  if (misplaced.length > 0) return usage(`${misplaced.join(", ")} does not apply to ${chain} ${method}; it takes ${[...allowed].join(", ")}`)
  const missing = spec.required.filter((name) => !parsed.values.has(name))
  if (missing.length > 0) return usage(`${chain} ${method} needs ${missing.join(", ")}; e.g. ${missing.map((name) => `${name} ${PARAM_FLAGS.find((f) => f.name === name)?.example ?? "VALUE"}`).join(" ")}`)
  const value = (name: string) => flagValue(parsed, name) ?? ""
  const minconfText = flagValue(parsed, "--minconf")
  if (minconfText !== undefined && !/^[0-9]{1,4}$/.test(minconfText)) return usage(`--minconf must be a whole number of confirmations, e.g. --minconf 1; found "${minconfText}"`)
  const minconf = minconfText === undefined ? undefined : Number(minconfText)
  switch (`${chain} ${method}`) {
    case "bitcoin sendtoaddress":
      return bitcoin.sendToAddress(value("--address"), value("--amount"))
    case "bitcoin sendfrom":
      return bitcoin.sendFrom(value("--account"), value("--address"), value("--amount"), minconf)
    case "bitcoin sendmany": {
      const amounts: Record<string, string> = {}
      for (const pay of parsed.values.get("--pay") ?? []) {
        const eq = pay.lastIndexOf("=")
        if (eq <= 0 || eq === pay.length - 1) return usage(`--pay takes ADDRESS=BTC, e.g. --pay sb1q…=0.5; found "${pay}"`)
        const address = pay.slice(0, eq)
        if (address in amounts) return usage(`--pay names ${address} twice; give each address one output`)
        amounts[address] = pay.slice(eq + 1)
      }
      return bitcoin.sendMany(value("--account"), amounts, minconf)
    }
    case "ethereum transfer":
      return ethereum.transfer({ from: value("--from"), to: value("--to"), value: value("--value"), ...(parsed.values.has("--gas-limit") ? { gasLimit: value("--gas-limit") } : {}) })
    case "ethereum call":
      return ethereum.call({
        from: value("--from"),
        to: value("--to"),
        abi: value("--abi"),
        args: parsed.values.get("--arg") ?? [],
        ...(parsed.values.has("--value") ? { value: value("--value") } : {}),
        ...(parsed.values.has("--gas-limit") ? { gasLimit: value("--gas-limit") } : {}),
      })
    default:
      return ethereum.raw(value("--tx"))
  }
}

/** Parses the arguments after `gateway send`. */
export const parseSendArgs = (argv: ReadonlyArray<string>): SendArgs | UsageError => {
  const parsed = parseFlags(argv, FLAGS, { prefix: PREFIX, helpCommand: `${PREFIX} --help` })
  if (parsed instanceof UsageError) return parsed
  if (parsed.help) return { _tag: "Help" }
  const file = flagValue(parsed, "--file")
  const [chain, method, extra] = parsed.positionals
  let source: SendSource
  if (file !== undefined) {
    if (chain !== undefined) return usage(`give either --file or CHAIN METHOD, not both (found "${chain}")`)
    const stray = PARAM_FLAGS.map((f) => f.name).filter((name) => parsed.values.has(name))
    if (stray.length > 0) return usage(`${stray.join(", ")} cannot be used with --file; the file holds the whole body`)
    source = { _tag: "File", path: file }
  } else {
    if (chain === undefined || method === undefined) return usage(`missing what to send; type ${PREFIX} ethereum transfer --from 0x… --to 0x… --value 1000, or ${PREFIX} --file body.json (see ${PREFIX} --help)`)
    if (extra !== undefined) return usage(`unexpected argument "${extra}"; parameters are flags, e.g. --amount 0.1`)
    const body = bodyFromFlags(chain, method, parsed)
    if (body instanceof UsageError) return body
    source = { _tag: "Body", body }
  }
  const idempotencyKey = flagValue(parsed, "--idempotency-key")
  if (idempotencyKey !== undefined && !/^[\x20-\x7e]{1,255}$/.test(idempotencyKey)) return usage("--idempotency-key must be 1 to 255 printable ASCII characters")
  const until = flagValue(parsed, "--until")
  if (until !== undefined && !(WAITABLE as ReadonlyArray<string>).includes(until)) return usage(`--until must be one of ${WAITABLE.join(", ")}; found "${until}"`)
  const wait: Waitable | undefined = until !== undefined ? (until as Waitable) : parsed.values.has("--wait") ? "final" : undefined
  const waitTimeoutMs = millis(PREFIX, "--timeout", flagValue(parsed, "--timeout"), GATEWAY_CLIENT_DEFAULTS.waitTimeoutMs)
  if (waitTimeoutMs instanceof UsageError) return waitTimeoutMs
  if (parsed.values.has("--timeout") && wait === undefined) return usage("--timeout applies to --wait or --until; add one of them")
  const intake = parseIntakeArgs(parsed, PREFIX)
  if (intake instanceof UsageError) return intake
  return { _tag: "Send", source, idempotencyKey, wait, waitTimeoutMs, intake }
}

/** The text of `gateway send --help`. */
export const SEND_HELP: HelpText = {
  usage: ["gateway send bitcoin|ethereum METHOD [--param VALUE ...] [--wait] [--url URL]", "gateway send --file FILE [--idempotency-key KEY] [--wait]"],
  description: [
    "Sends one request to the intake through the client SDK, under an Idempotency-Key",
    "(printed), retrying while the intake answers 503 or 429 or does not answer; the key",
    "makes the retries safe: one request, one payment. Methods: bitcoin sendtoaddress,",
    "sendfrom, sendmany; ethereum transfer, call, raw. With --wait it then follows the",
    "request until it is final. Exit 0 when accepted (and, with --wait, when reached).",
  ],
  flags: FLAGS,
  examples: [
    ["gateway send ethereum transfer --from 0x7099…79C8 --to 0xa0Ee…9720 --value 1000 --wait", "Pay 1000 wei and wait until it is confirmed or failed"],
    ["gateway send bitcoin sendfrom --account payroll --address sb1q… --amount 0.015", "Pay 0.015 BTC from the payroll account"],
    ["gateway send bitcoin sendmany --account payroll --pay sb1q…=0.5 --pay sb1p…=0.25", "One transaction, two outputs"],
    ["gateway send --file airdrop.json --idempotency-key airdrop-2026-12", "Send a whole batch; sending it again never pays twice"],
  ],
}

/** One line for an answer that is not an acceptance. */
export const failureLine = (result: Refused | Unavailable, idempotencyKey?: string, id?: string): string => {
  if (result._tag === "Refused") {
    const problems = result.problems.length > 1 ? ` (${result.problems.length} problems: ${result.problems.map((p) => p.field).join(", ")})` : ""
    return `refused (${result.status} ${result.error}): ${result.message}${problems}`
  }
  const maybe = result.mayHaveBeenAccepted && id !== undefined ? `; it may have been accepted: gateway status ${id} tells` : ""
  const again = idempotencyKey === undefined ? "" : `; send it again with --idempotency-key ${idempotencyKey} to retry without paying twice`
  return `gave up after ${result.attempts} attempt(s): ${result.reason}${maybe}${again}`
}

/** The human line for a request's state. */
export const describeRequest = (r: RequestView): string => {
  const parts = [`${r.id} ${r.status}`, `${r.chain}`, `sender ${r.sender}`]
  if (r.txid !== undefined) parts.push(`txid ${r.txid}`)
  if (r.block !== undefined) parts.push(`block ${r.block}`)
  if (r.reason !== undefined) parts.push(`reason: ${r.reason}`)
  return parts.join(", ")
}

/** Reads the bodies of a --file: one body, an array, or `{ requests: [...] }`. */
const readBodies = async (path: string): Promise<ReadonlyArray<RequestBody> | RequestBody | UsageError> => {
  const text = await (path === "-" ? Bun.stdin.text() : readFile(path, "utf8")).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))))
  if (text instanceof Error) return usage(`cannot read --file ${path}: ${text.message}`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return usage(`--file ${path} is not JSON (${e instanceof Error ? e.message : String(e)})`)
  }
  const list = Array.isArray(value) ? value : typeof value === "object" && value !== null && "requests" in value && Array.isArray(value.requests) ? value.requests : undefined
  if (list === undefined) return isRequestBody(value) ? value : usage(`--file ${path} must hold a request body ({"chain":…,"method":…,"params":…}), an array of them, or {"requests":[…]}`)
  const bad = list.findIndex((item: unknown) => !isRequestBody(item))
  if (bad >= 0) return usage(`--file ${path}: item ${bad} is not a request body ({"chain":…,"method":…,"params":…})`)
  return list as ReadonlyArray<RequestBody>
}

const waitAndReport = async (client: GatewayClient, id: string, wait: Waitable, timeoutMs: number, json: boolean, context: CliContext): Promise<number> => {
  if (!json) context.err(`waiting until ${id} is ${wait === "final" ? "final" : wait} (at most ${Math.round(timeoutMs / 1000)} s)…`)
  const result = await client.waitFor(id, wait as RequestStatus | "final", { timeoutMs })
  if (json) context.out(JSON.stringify(result))
  switch (result._tag) {
    case "Reached":
      if (!json) context.out(describeRequest(result.request))
      return result.request.status === "failed" || result.request.status === "dlq" || result.request.status === "cancelled" ? 1 : 0
    case "EndedElsewhere":
      if (!json) context.out(describeRequest(result.request))
      return 1
    case "TimedOut":
      if (!json) context.err(`${PREFIX}: ${id} is still ${result.last?.status ?? "not visible on this intake"} after ${Math.round(result.waitedMs / 1000)} s; follow it with gateway status ${id} --wait`)
      return 1
    case "Refused":
      if (!json) context.err(`${PREFIX}: ${failureLine(result)}`)
      return 1
  }
}

/** How far a batch has got towards `wait`, from its counts per status. */
export const batchProgress = (counts: Readonly<Record<string, number>>, wait: Waitable): { readonly reached: number; readonly ended: number; readonly bad: number } => {
  const n = (s: string) => counts[s] ?? 0
  const bad = n("failed") + n("dlq") + n("cancelled")
  const reached = wait === "final" ? n("confirmed") + bad : wait === "confirmed" ? n("confirmed") : wait === "submitted" ? n("submitted") + n("confirmed") : n("signed") + n("submitted") + n("confirmed")
  return { reached, ended: n("confirmed") + bad, bad }
}

/** A one-line bar: `[#########...........]  451/1000`. */
export const progressBar = (done: number, total: number, width = 30): string => {
  const filled = total === 0 ? width : Math.min(width, Math.floor((done / total) * width))
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total}`
}

/**
 * Follows a batch by its counts per status (one call per poll, however large the batch),
 * printing a progress line every few seconds, until every request reached `wait` or
 * ended otherwise, or the timeout passes. Exit 0 only when all reached it cleanly.
 */
const waitForBatch = async (client: GatewayClient, batchId: string, total: number, wait: Waitable, timeoutMs: number, json: boolean, context: CliContext): Promise<number> => {
  const started = Date.now()
  let printedAt = 0
  for (;;) {
    const answer = await client.batch(batchId)
    const counts: Readonly<Record<string, number>> = answer._tag === "Found" ? answer.batch.counts : {}
    const { reached, ended, bad } = batchProgress(counts, wait)
    // Requests that failed, dead-lettered or were cancelled will never reach `wait`: they are settled too.
    const settled = wait === "final" ? reached : reached + bad
    const done = settled >= total
    const timedOut = Date.now() - started > timeoutMs
    if (!json && (done || timedOut || Date.now() - printedAt >= 2_000)) {
      printedAt = Date.now()
      const shown = Object.entries(counts).filter(([, k]) => k > 0).map(([s, k]) => `${k} ${s}`).join(", ")
      context.err(`${progressBar(Math.min(settled, total), total)} ${wait === "final" ? "final" : `${wait} or past`}${shown === "" ? "" : ` (${shown})`}`)
    }
    if (done) {
      if (json) context.out(JSON.stringify({ batch_id: batchId, counts }))
      else context.out(`batch ${batchId}: ${ended} of ${total} ended${bad > 0 ? `, ${bad} failed, dead-lettered or cancelled: gateway status --list --status failed` : ""}`)
      return bad > 0 ? 1 : 0
    }
    if (timedOut) {
      if (!json) context.err(`${PREFIX}: batch ${batchId} is not there yet after ${Math.round(timeoutMs / 1000)} s; follow it with gateway status --batch ${batchId}`)
      else context.out(JSON.stringify({ batch_id: batchId, counts, timed_out: true }))
      return 1
    }
    await Bun.sleep(500)
  }
}

/** Builds the command; tests pass their own environment. */
export const makeSendCommand = (env: Readonly<Record<string, string | undefined>> = process.env): Command => ({
  name: "send",
  summary: "Send a request (or a batch) to the intake and optionally wait for its outcome",
  flags: FLAGS,
  help: SEND_HELP,
  run: async (argv, context) => {
    const args = argsOrExit(parseSendArgs(argv), SEND_HELP, context)
    if (typeof args === "number") return args
    const options = resolveIntake(args.intake, env, PREFIX)
    if (options instanceof UsageError) return usageFailed(context, options)
    const client = makeGatewayClient({
      ...options,
      ...(args.intake.json ? {} : { onRetry: (r) => context.err(`${PREFIX}: attempt ${r.attempt}: ${r.reason}; retrying in ${(r.delayMs / 1000).toFixed(1)} s under the same Idempotency-Key`) }),
    })
    const bodies = args.source._tag === "Body" ? args.source.body : await readBodies(args.source.path)
    if (bodies instanceof UsageError) return usageFailed(context, bodies)
    const sendOptions = args.idempotencyKey === undefined ? {} : { idempotencyKey: args.idempotencyKey }
    if (Array.isArray(bodies)) {
      const batch = await client.sendBatch(bodies, sendOptions)
      if (args.intake.json) context.out(JSON.stringify(batch))
      if (!batch.ok) {
        if (!args.intake.json) context.err(`${PREFIX}: ${failureLine(batch, batch._tag === "Unavailable" ? batch.idempotencyKey : undefined, batch._tag === "Unavailable" ? `--batch ${batch.batchId}` : undefined)}`)
        return 1
      }
      if (!args.intake.json) {
        context.out(`${batch.replayed ? "already accepted" : "accepted"}: batch ${batch.batchId}, ${batch.ids.length} request(s), Idempotency-Key ${batch.idempotencyKey}`)
        context.out(`  follow it: gateway status --batch ${batch.batchId}`)
      }
      if (args.wait === undefined) return 0
      return waitForBatch(client, batch.batchId, batch.ids.length, args.wait, args.waitTimeoutMs, args.intake.json, context)
    }
    const single = bodies as RequestBody
    const result = await client.send(single, sendOptions)
    if (args.intake.json) context.out(JSON.stringify(result))
    if (!result.ok) {
      if (!args.intake.json) context.err(`${PREFIX}: ${failureLine(result, result._tag === "Unavailable" ? result.idempotencyKey : undefined, result._tag === "Unavailable" ? result.id : undefined)}`)
      return 1
    }
    if (!args.intake.json) {
      context.out(`${result.replayed ? "already accepted" : "accepted"}: ${result.id} (${result.status}), Idempotency-Key ${result.idempotencyKey}`)
      if (args.wait === undefined) context.out(`  follow it: gateway status ${result.id} --wait`)
    }
    return args.wait === undefined ? 0 : waitAndReport(client, result.id, args.wait, args.waitTimeoutMs, args.intake.json, context)
  },
})

/** `gateway send`. */
export const sendCommand: Command = makeSendCommand()
