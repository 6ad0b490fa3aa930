/**
 * `gateway config check [--effective] [FILE]`: validate a config and show what
 * each host will run, without starting anything; with `--effective`, also every
 * key's value and where it comes from. Exit 0 when valid, 2 with every problem
 * listed when not; scripts and CI can gate on it.
 */
import { Result } from "effect"
import { DEFAULT_CONFIG_PATH, type HostPlan, hostPlan, loadResolvedConfig, nearestName } from "../config/index.ts"
import { type CliContext, type Command, EXIT_USAGE } from "./command.ts"
import { printConfigError } from "./config-error-report.ts"
import { configReport } from "./config-report.ts"
import { effectiveConfigLines, type Env } from "./effective-config.ts"
import { flagValue, type FlagSpec, parseFlags } from "./flag-parser.ts"
import { type HelpText, renderHelp } from "./help-text.ts"
import { UsageError } from "./usage-error.ts"

/** The parsed command line of `gateway config ...`. */
export type ConfigArgs = { readonly _tag: "Help" } | { readonly _tag: "Check"; readonly file: string; readonly effective: boolean }

const SUBCOMMANDS = ["check"]

const CHECK_FLAGS: ReadonlyArray<FlagSpec> = [
  {
    name: "--config",
    value: "FILE",
    example: "config/paper.toml",
    description: "The file to check, as an alternative to the FILE argument",
  },
  {
    name: "--effective",
    description:
      "Also print every key's value as the gateway reads it, each marked file, default or env; a variable named by a *_env key is said to be set or not, its value is never printed",
  },
]

const CONTEXT = { prefix: "gateway config check", helpCommand: "gateway config --help" }

/** Parses the arguments after `gateway config` into typed data, or a one-line error. */
export const parseConfigArgs = (argv: ReadonlyArray<string>): ConfigArgs | UsageError => {
  const parsed = parseFlags(argv, CHECK_FLAGS, CONTEXT)
  if (parsed instanceof UsageError) return parsed
  if (parsed.help) return { _tag: "Help" }
  const [subcommand, file, extra] = parsed.positionals
  if (subcommand === undefined) {
    return new UsageError({ line: "gateway config: missing subcommand; type gateway config check FILE" })
  }
  if (subcommand !== "check") {
    const guess = nearestName(subcommand, SUBCOMMANDS)
    const hint = guess === undefined ? "expected check" : `did you mean ${guess}?`
    return new UsageError({ line: `gateway config: unknown subcommand "${subcommand}"; ${hint} (see gateway config --help)` })
  }
  if (extra !== undefined) {
    return new UsageError({ line: `gateway config check: unexpected argument "${extra}"; check one file at a time` })
  }
  const flagFile = flagValue(parsed, "--config")
  if (file !== undefined && flagFile !== undefined) {
    return new UsageError({ line: "gateway config check: the file is given twice (FILE and --config); give it once" })
  }
  return { _tag: "Check", file: file ?? flagFile ?? DEFAULT_CONFIG_PATH, effective: parsed.values.has("--effective") }
}

/** The text of `gateway config --help`. */
export const CONFIG_HELP: HelpText = {
  usage: ["gateway config check [--effective] [FILE]"],
  description: [
    "Reads a config file, validates every key and the rules between keys, and prints",
    "what each host will run: its roles, the actors they start and the services it",
    "carries. Exits 0 when the file is valid, 2 with every problem listed when not.",
    "",
    "Only [kafka].brokers, the [[nodes]] and the [[hosts]] must be written; every",
    "other key has a default, listed with its reason in src/config/defaults.ts (a",
    "host running the replica or registry-watcher role also needs [etcd].endpoints",
    "or [registry].rpc_url). A misspelt key is an error, never a default.",
  ],
  sections: [
    { title: "Subcommands", rows: [["check", "Validate a config and show each host's plan"]] },
    { title: "Arguments", rows: [["FILE", `The config file to check (default: ${DEFAULT_CONFIG_PATH})`]] },
  ],
  flags: CHECK_FLAGS,
  examples: [
    ["gateway config check config/paper.toml", "Check the paper's 9-host layout and print it"],
    ["gateway config check", `Check ${DEFAULT_CONFIG_PATH}`],
    ["gateway config check --effective config/minimal.toml", "Show the smallest config with every default filled in"],
  ],
}

/** What `check` prints besides the host table, and the environment `--effective` reports on. */
export interface CheckOptions {
  readonly effective: boolean
  readonly env: Env
}

/** Checks `file`, printing the host table (and with `effective` the whole config) when valid, the issues when not. */
export const checkConfig = async (file: string, context: CliContext, options: CheckOptions): Promise<number> => {
  const loaded = await loadResolvedConfig(file)
  if (Result.isFailure(loaded)) return printConfigError(context, loaded.failure)
  const config = loaded.success.config
  const plans: Array<HostPlan> = []
  for (const host of config.hosts) {
    const plan = hostPlan(config, host.name)
    if (Result.isFailure(plan)) {
      context.err(`gateway: ${file}: ${plan.failure.message}`)
      return EXIT_USAGE
    }
    plans.push(plan.success)
  }
  for (const line of configReport(file, plans)) context.out(line)
  if (options.effective) for (const line of ["", ...effectiveConfigLines(file, loaded.success, options.env)]) context.out(line)
  return 0
}

/** Builds `gateway config`; tests pass their own environment instead of process.env. */
export const makeConfigCommand = (env: Env = process.env): Command => ({
  name: "config",
  summary: "Check a config file and show what each host runs",
  flags: CHECK_FLAGS,
  help: CONFIG_HELP,
  run: async (args, context) => {
    const parsed = parseConfigArgs(args)
    if (parsed instanceof UsageError) {
      context.err(parsed.line)
      return EXIT_USAGE
    }
    if (parsed._tag === "Help") {
      for (const line of renderHelp(CONFIG_HELP)) context.out(line)
      return 0
    }
    return checkConfig(parsed.file, context, { effective: parsed.effective, env })
  },
})

/** `gateway config`. */
export const configCommand: Command = makeConfigCommand()
