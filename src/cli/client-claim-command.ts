/**
 * `gateway client claim`: files one claim that the service does not answer at the
 * location the registry gives, from the key in --key-env. The contract bounds claims
 * (one per claimant per interval, a few per block, only against the current location);
 * its refusal is printed as such. Exit 0 when the Claim event is on chain, 1 otherwise.
 */
import { isNoLocation, makeFailoverClient } from "../client/index.ts"
import type { CliContext, Command } from "./command.ts"
import { KEY_ENV_FLAG, type KeyEnvArg, parseKeyEnv, readKey } from "./client-key.ts"
import { noLocationLine } from "./client-locate-command.ts"
import { argsOrExit, parseTargetArgs, resolveTarget, TARGET_FLAGS, type TargetArgs, usageFailed } from "./client-target.ts"
import { type FlagSpec, parseFlags } from "./flag-parser.ts"
import type { HelpText } from "./help-text.ts"
import { UsageError } from "./usage-error.ts"

const PREFIX = "gateway client claim"
const FLAGS: ReadonlyArray<FlagSpec> = [KEY_ENV_FLAG, ...TARGET_FLAGS]

/** The parsed command line of `gateway client claim`. */
export type ClaimArgs = { readonly _tag: "Help" } | { readonly _tag: "Claim"; readonly keyEnv: KeyEnvArg; readonly target: TargetArgs }

/** Parses the arguments after `gateway client claim`. */
export const parseClaimArgs = (argv: ReadonlyArray<string>): ClaimArgs | UsageError => {
  const parsed = parseFlags(argv, FLAGS, { prefix: PREFIX, helpCommand: `${PREFIX} --help` })
  if (parsed instanceof UsageError) return parsed
  if (parsed.help) return { _tag: "Help" }
  const [extra] = parsed.positionals
  if (extra !== undefined) return new UsageError({ line: `${PREFIX}: unexpected argument "${extra}"; the claim is against the location the registry gives` })
  const keyEnv = parseKeyEnv(parsed, PREFIX)
  if (keyEnv instanceof UsageError) return keyEnv
  const target = parseTargetArgs(parsed, PREFIX)
  return target instanceof UsageError ? target : { _tag: "Claim", keyEnv, target }
}

/** The text of `gateway client claim --help`. */
export const CLAIM_HELP: HelpText = {
  usage: ["gateway client claim [--key-env VAR] [--config FILE] [--rpc-url URL] [--registry ADDRESS] [--service ID]"],
  description: [
    "Tells the service's managers, through a Claim event on chain, that the service",
    "does not answer at the location the registry gives. The key is read from an",
    "environment variable and never printed; the contract limits how often it may claim.",
  ],
  flags: FLAGS,
  examples: [
    ["GATEWAY_CLIENT_KEY=0x... gateway client claim", "Claim against the service of config/local.toml"],
    ["gateway client claim --key-env GATEWAY_REGISTRY_KEY", "Claim from the key the local stack wrote to .run/stack.env"],
  ],
}

/** Builds the command; tests pass their own environment. */
export const makeClaimCommand = (env: Readonly<Record<string, string | undefined>> = process.env): Command => ({
  name: "claim",
  summary: "Claim on chain that the service does not answer at its location",
  flags: FLAGS,
  help: CLAIM_HELP,
  run: async (argv: ReadonlyArray<string>, context: CliContext) => {
    const args = argsOrExit(parseClaimArgs(argv), CLAIM_HELP, context)
    if (typeof args === "number") return args
    const key = readKey(args.keyEnv, env, PREFIX)
    if (key instanceof UsageError) return usageFailed(context, key)
    if (key === undefined) {
      return usageFailed(context, new UsageError({ line: `${PREFIX}: environment variable ${args.keyEnv.name} is not set; export it with the claimant's 0x private key, or name another variable with --key-env VAR` }))
    }
    const target = await resolveTarget(args.target, env, context, PREFIX)
    if (typeof target === "number") return target
    const client = makeFailoverClient({ ...target, claimKey: key })
    try {
      const outcome = await client.claim()
      if (isNoLocation(outcome)) {
        context.err(`${PREFIX}: ${noLocationLine(outcome, target)}`)
        return 1
      }
      switch (outcome._tag) {
        case "Claimed":
          context.out(`claimed that ${target.serviceId} does not answer at ${outcome.location}`)
          context.out(`  transaction ${outcome.txHash}, block ${outcome.blockNumber}, from ${outcome.claimant}`)
          return 0
        case "Refused":
          context.err(`${PREFIX}: the registry refused the claim (${outcome.reason}): ${outcome.detail}`)
          return 1
        case "Failed":
          context.err(`${PREFIX}: ${outcome.cause === "NodeUnreachable" ? `no Ethereum node answers at ${target.rpcUrl}; start it or pass --rpc-url` : outcome.detail}`)
          return 1
        case "NoClaimKey":
          return 1
      }
    } finally {
      await client.close()
    }
  },
})
