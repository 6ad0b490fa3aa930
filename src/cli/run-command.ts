/**
 * `gateway [run]`: start the roles one host has in the config. The argv is
 * parsed into `RunOptions` first; then the config is loaded and the host
 * planned, so every mistake is reported before Kafka or etcd code loads.
 */
import { Result } from "effect"
import {
  DEFAULT_CONFIG_PATH,
  type GatewayConfig,
  hostPlan,
  isRole,
  loadConfig,
  resolveHostName,
  type Role,
  ROLES,
} from "../config/index.ts"
import { type CliContext, type Command, EXIT_USAGE } from "./command.ts"
import { printConfigError } from "./config-error-report.ts"
import { flagValue, type FlagSpec, parseFlags } from "./flag-parser.ts"
import { type HelpText, renderHelp } from "./help-text.ts"
import { UsageError } from "./usage-error.ts"

/** What `gateway run` was asked to do, before the config is read. */
export interface RunOptions {
  readonly configPath: string
  /** `--host`; when absent the host is picked from the config (see resolveHostName). */
  readonly host?: string
  /** `--role`; when absent the host's configured roles apply. */
  readonly roles?: ReadonlyArray<Role>
}

/** The parsed command line: a run, or a request for help. */
export type RunArgs = { readonly _tag: "Help" } | { readonly _tag: "Run"; readonly options: RunOptions }

/** What is handed to the application once the config is valid and the host planned. */
export interface LaunchOptions {
  readonly configPath: string
  readonly config: GatewayConfig
  readonly host: string
  readonly roles: ReadonlyArray<Role>
}

/** Starts the gateway and resolves to its exit code; injected so tests need no Kafka. */
export type Launch = (options: LaunchOptions) => Promise<number>

const ROLE_LIST = ROLES.join(", ")

/** The flags of `gateway run` (also shown by `gateway --help`). */
export const RUN_FLAGS: ReadonlyArray<FlagSpec> = [
  {
    name: "--config",
    value: "FILE",
    example: "config/paper.toml",
    description: "Config file listing every host and its roles",
    default: DEFAULT_CONFIG_PATH,
  },
  {
    name: "--host",
    value: "NAME",
    example: "broker-1",
    description: "Which [[hosts]] entry this machine is",
    default: "the only host, else the one named like this machine",
  },
  {
    name: "--role",
    value: "ROLES",
    example: "consumer",
    description: `Run these roles instead of the host's; a comma-separated list of ${ROLE_LIST}`,
    default: "the host's roles from the config",
    repeatable: true,
  },
]

const CONTEXT = { prefix: "gateway", helpCommand: "gateway --help", alsoKnown: ["--version"] }

/** Parses the arguments of `gateway [run]` into typed options, or a one-line error. */
export const parseRunArgs = (argv: ReadonlyArray<string>): RunArgs | UsageError => {
  const parsed = parseFlags(argv, RUN_FLAGS, CONTEXT)
  if (parsed instanceof UsageError) return parsed
  if (parsed.help) return { _tag: "Help" }
  const extra = parsed.positionals[0]
  if (extra !== undefined) {
    return new UsageError({
      line: `gateway: unexpected argument "${extra}"; run takes only flags; to pick a host, type gateway --host ${extra} (see gateway --help)`,
    })
  }
  const configPath = flagValue(parsed, "--config") ?? DEFAULT_CONFIG_PATH
  const host = flagValue(parsed, "--host")
  const roleValues = parsed.values.get("--role")
  const roles = roleValues === undefined ? undefined : parseRoles(roleValues)
  if (roles instanceof UsageError) return roles
  return {
    _tag: "Run",
    options: { configPath, ...(host === undefined ? {} : { host }), ...(roles === undefined ? {} : { roles }) },
  }
}

/** `--role a,b` (possibly repeated) to roles, de-duplicated, in the order given. */
const parseRoles = (values: ReadonlyArray<string>): ReadonlyArray<Role> | UsageError => {
  const roles: Array<Role> = []
  for (const name of values.flatMap((value) => value.split(",")).map((s) => s.trim())) {
    if (name === "") continue
    if (!isRole(name)) return new UsageError({ line: `gateway: --role: unknown role "${name}"; expected ${ROLE_LIST}` })
    if (!roles.includes(name)) roles.push(name)
  }
  if (roles.length === 0) {
    return new UsageError({ line: `gateway: --role: expected a comma-separated list of ${ROLE_LIST}; found nothing` })
  }
  return roles
}

/** Loads the application only now, so `--help` and `config check` never load Kafka or etcd. */
const launchGateway: Launch = async (options) => {
  const { runGateway } = await import("../app/run-gateway.ts")
  return runGateway(options)
}

/** Validates the config and host for `options`, then launches; returns the exit code. */
export const runWithOptions = async (options: RunOptions, context: CliContext, launch: Launch): Promise<number> => {
  const loaded = await loadConfig(options.configPath)
  if (Result.isFailure(loaded)) return printConfigError(context, loaded.failure)
  const config = loaded.success
  const host = resolveHostName(config, options.host, context.hostname())
  if (Result.isFailure(host)) {
    context.err(`gateway: ${options.configPath}: ${host.failure.message}`)
    return EXIT_USAGE
  }
  const plan = hostPlan(config, host.success, options.roles)
  if (Result.isFailure(plan)) {
    context.err(`gateway: ${options.configPath}: ${plan.failure.message}`)
    return EXIT_USAGE
  }
  if (plan.success.roles.length === 0) {
    const carries = plan.success.services.length === 0 ? "" : ` (it carries ${plan.success.services.join(", ")})`
    const withRoles = config.hosts.filter((h) => h.roles.length > 0).map((h) => h.name)
    context.err(
      `gateway: host ${host.success} runs no gateway roles in ${options.configPath}${carries}; pass --host with one of ${withRoles.join(", ")}, or --role ROLES to run roles here`,
    )
    return EXIT_USAGE
  }
  return launch({ configPath: options.configPath, config, host: host.success, roles: plan.success.roles })
}

/** The text of `gateway run --help`. */
export const RUN_HELP: HelpText = {
  usage: ["gateway [run] [--config FILE] [--host NAME] [--role ROLES]"],
  description: [
    "Starts the actors of the roles one host has in the config, under one supervisor,",
    "and runs until SIGTERM or SIGINT, then drains. The config and the host are checked",
    "first; any problem is printed and the exit code is 2.",
  ],
  flags: RUN_FLAGS,
  examples: [
    ["gateway", "Run every role of the only host in config/local.toml"],
    ["gateway --config config/paper.toml --host broker-1", "Run broker-1's consumer, replica and registry-watcher"],
    ["gateway --role consumer", "Run only the consumer role, whatever the config gives this host"],
    ["gateway --config config/paper.toml --host producer-1", "Run a producer host's HTTP intake"],
  ],
}

/** Builds the run command around `launch` (the real application unless a test passes its own). */
export const makeRunCommand = (launch: Launch = launchGateway): Command => ({
  name: "run",
  summary: "Run this host's gateway roles from the config (the default command)",
  flags: RUN_FLAGS,
  help: RUN_HELP,
  run: async (args, context) => {
    const parsed = parseRunArgs(args)
    if (parsed instanceof UsageError) {
      context.err(parsed.line)
      return EXIT_USAGE
    }
    if (parsed._tag === "Help") {
      for (const line of renderHelp(RUN_HELP)) context.out(line)
      return 0
    }
    return runWithOptions(parsed.options, context, launch)
  },
})

/** `gateway run`, wired to the real application. */
export const runCommand: Command = makeRunCommand()
