/**
 * `gateway client locate`: where the registry says the service is, and the epoch of
 * the leader that put it there. Exit 0 with the location, 1 when the registry cannot
 * say (node down, unknown service), 2 for a bad command line or config.
 */
import { isNoLocation, makeFailoverClient, type NoLocation } from "../client/index.ts"
import type { CliContext, Command } from "./command.ts"
import { type FlagSpec, parseFlags } from "./flag-parser.ts"
import type { HelpText } from "./help-text.ts"
import { argsOrExit, type ClientTarget, parseTargetArgs, resolveTarget, TARGET_FLAGS, type TargetArgs } from "./client-target.ts"
import { UsageError } from "./usage-error.ts"

const PREFIX = "gateway client locate"
const FLAGS: ReadonlyArray<FlagSpec> = TARGET_FLAGS

/** The parsed command line of `gateway client locate`. */
export type LocateArgs = { readonly _tag: "Help" } | { readonly _tag: "Locate"; readonly target: TargetArgs }

/** Parses the arguments after `gateway client locate`. */
export const parseLocateArgs = (argv: ReadonlyArray<string>): LocateArgs | UsageError => {
  const parsed = parseFlags(argv, FLAGS, { prefix: PREFIX, helpCommand: `${PREFIX} --help` })
  if (parsed instanceof UsageError) return parsed
  if (parsed.help) return { _tag: "Help" }
  const [extra] = parsed.positionals
  if (extra !== undefined) return new UsageError({ line: `${PREFIX}: unexpected argument "${extra}"; the service comes from --service or the config` })
  const target = parseTargetArgs(parsed, PREFIX)
  return target instanceof UsageError ? target : { _tag: "Locate", target }
}

/** The text of `gateway client locate --help`. */
export const LOCATE_HELP: HelpText = {
  usage: ["gateway client locate [--config FILE] [--rpc-url URL] [--registry ADDRESS] [--service ID]"],
  description: ["Reads the ServiceRegistry and prints where the service is and the epoch of the", "leader that wrote it there."],
  flags: FLAGS,
  examples: [
    ["gateway client locate", "Where the service of config/local.toml is now"],
    ["gateway client locate --registry 0x5fbdb2315678afecb367f032d93f642f64180aa3 --service svc", "Another registry and service"],
  ],
}

/** One line for a registry that could not name a location, saying what to check. */
export const noLocationLine = (where: NoLocation, target: ClientTarget): string => {
  switch (where.cause) {
    case "NodeUnreachable":
      return `no Ethereum node answers at ${target.rpcUrl}; start it (npm run stack -- up anvil) or pass --rpc-url`
    case "NotARegistry":
      return `${target.registryAddress} on ${target.rpcUrl} is not a ServiceRegistry; check --registry (gateway contracts deploy prints the address)`
    default:
      return where.detail
  }
}

/** Builds the command; tests pass their own environment. */
export const makeLocateCommand = (env: Readonly<Record<string, string | undefined>> = process.env): Command => ({
  name: "locate",
  summary: "Print where the registry says the service is, and its epoch",
  flags: FLAGS,
  help: LOCATE_HELP,
  run: async (argv: ReadonlyArray<string>, context: CliContext) => {
    const args = argsOrExit(parseLocateArgs(argv), LOCATE_HELP, context)
    if (typeof args === "number") return args
    const target = await resolveTarget(args.target, env, context, PREFIX)
    if (typeof target === "number") return target
    const client = makeFailoverClient({ ...target, retry: false })
    try {
      const where = await client.locate()
      if (isNoLocation(where)) {
        context.err(`${PREFIX}: ${noLocationLine(where, target)}`)
        return 1
      }
      context.out(`service ${target.serviceId} is at ${where.location} (epoch ${where.epoch})`)
      context.out(`  registry ${target.registryAddress.toLowerCase()} on ${target.rpcUrl}`)
      return 0
    } finally {
      await client.close()
    }
  },
})
