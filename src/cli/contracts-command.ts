/**
 * `gateway contracts deploy`: put paper B's ServiceRegistry on the configured Ethereum
 * node and print the line that goes in `[registry].contract_address`. The bytecode is
 * the committed artifact the binary carries; the deployer's key comes from an
 * environment variable and is never printed. Exit 0 on success, 2 for a bad command
 * line, config or key, 1 when the node or the deployment fails.
 */
import { Data, Effect } from "effect"
import { accountFromKey, closeEthereumNode, type EthereumNode, ethereumCall, makeEthereumNode } from "../adapters/ethereum.ts"
import { DEFAULT_CONFIG_PATH, loadConfig, nearestName } from "../config/index.ts"
import { CLAIM_BOUND_LIMITS, type ClaimBound, DEFAULT_CLAIM_BOUND, DEFAULT_WRITE_TIMEOUT_MS, deployRegistry, type RegistryError, SERVICE_REGISTRY_BUILD } from "../registry/index.ts"
import { type CliContext, type Command, EXIT_USAGE } from "./command.ts"
import { printConfigError } from "./config-error-report.ts"
import { flagValue, type FlagSpec, parseFlags } from "./flag-parser.ts"
import { type HelpText, renderHelp } from "./help-text.ts"
import { UsageError } from "./usage-error.ts"

/** The environment variable read for the deployer's key when --key-env is not given. */
export const DEFAULT_KEY_ENV = "GATEWAY_REGISTRY_KEY"

/** The parsed command line of `gateway contracts ...`. */
export type ContractsArgs =
  | { readonly _tag: "Help" }
  | {
      readonly _tag: "Deploy"
      readonly config: string
      /** Overrides `[registry].rpc_url`. */
      readonly rpc: string | undefined
      readonly keyEnv: string
      readonly bound: ClaimBound
    }

const SUBCOMMANDS = ["deploy"]

const DEPLOY_FLAGS: ReadonlyArray<FlagSpec> = [
  { name: "--config", value: "FILE", example: "config/paper.toml", description: "Config whose [registry] and [chains.ethereum] say where and how to deploy", default: DEFAULT_CONFIG_PATH },
  { name: "--rpc", value: "URL", example: "http://127.0.0.1:8545", description: "Ethereum JSON-RPC endpoint to deploy to", default: "[registry].rpc_url" },
  { name: "--key-env", value: "VAR", example: "DEPLOYER_KEY", description: "Environment variable holding the deployer's 0x private key", default: DEFAULT_KEY_ENV },
  {
    name: "--claim-interval",
    value: "BLOCKS",
    example: "10",
    description: "Blocks one claimant waits between two claims on one service",
    default: String(DEFAULT_CLAIM_BOUND.intervalBlocks),
  },
  {
    name: "--claims-per-block",
    value: "N",
    example: "4",
    description: "Claims one service accepts per block, from all claimants together",
    default: String(DEFAULT_CLAIM_BOUND.maxPerBlock),
  },
]

const CONTEXT = { prefix: "gateway contracts", helpCommand: "gateway contracts --help" }
const PREFIX = "gateway contracts deploy"

/** A whole number from 1 to `max`, or the one-line error naming the flag. */
const positive = (flag: string, text: string | undefined, fallback: number, max: number): number | UsageError => {
  if (text === undefined) return fallback
  const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    return new UsageError({ line: `${PREFIX}: ${flag} must be a whole number from 1 to ${max}; found "${text}"` })
  }
  return value
}

/** Parses the arguments after `gateway contracts` into typed data, or a one-line error. */
export const parseContractsArgs = (argv: ReadonlyArray<string>): ContractsArgs | UsageError => {
  const parsed = parseFlags(argv, DEPLOY_FLAGS, CONTEXT)
  if (parsed instanceof UsageError) return parsed
  if (parsed.help) return { _tag: "Help" }
  const [subcommand, extra] = parsed.positionals
  if (subcommand === undefined) return new UsageError({ line: "gateway contracts: missing subcommand; type gateway contracts deploy" })
  if (!SUBCOMMANDS.includes(subcommand)) {
    const guess = nearestName(subcommand, SUBCOMMANDS)
    const hint = guess === undefined ? `expected ${SUBCOMMANDS.join(", ")}` : `did you mean ${guess}?`
    return new UsageError({ line: `gateway contracts: unknown subcommand "${subcommand}"; ${hint} (see gateway contracts --help)` })
  }
  if (extra !== undefined) return new UsageError({ line: `${PREFIX}: unexpected argument "${extra}"; the node comes from --rpc or the config` })
  const rpc = flagValue(parsed, "--rpc")
  if (rpc !== undefined && !/^https?:\/\/[^\s/]+/.test(rpc)) {
    return new UsageError({ line: `${PREFIX}: --rpc must be an http:// or https:// URL, e.g. --rpc http://127.0.0.1:8545; found "${rpc}"` })
  }
  const keyEnv = flagValue(parsed, "--key-env") ?? DEFAULT_KEY_ENV
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyEnv)) {
    return new UsageError({ line: `${PREFIX}: --key-env takes the name of an environment variable, e.g. --key-env DEPLOYER_KEY, not the key itself` })
  }
  const intervalBlocks = positive("--claim-interval", flagValue(parsed, "--claim-interval"), DEFAULT_CLAIM_BOUND.intervalBlocks, CLAIM_BOUND_LIMITS.intervalBlocks)
  if (intervalBlocks instanceof UsageError) return intervalBlocks
  const maxPerBlock = positive("--claims-per-block", flagValue(parsed, "--claims-per-block"), DEFAULT_CLAIM_BOUND.maxPerBlock, CLAIM_BOUND_LIMITS.maxPerBlock)
  if (maxPerBlock instanceof UsageError) return maxPerBlock
  return { _tag: "Deploy", config: flagValue(parsed, "--config") ?? DEFAULT_CONFIG_PATH, rpc, keyEnv, bound: { intervalBlocks, maxPerBlock } }
}

/** The text of `gateway contracts --help`. */
export const CONTRACTS_HELP: HelpText = {
  usage: ["gateway contracts deploy [--config FILE] [--rpc URL] [--key-env VAR]"],
  description: [
    "Deploys paper B's ServiceRegistry contract (compiled into this binary) to the",
    "Ethereum node, waits for [registry].confirmations, and prints its address and",
    "the contract_address line to put in the config's [registry] table. The key is",
    "read from an environment variable and never printed. The claim flags fix, for",
    "the contract's lifetime, how fast users may file failure claims.",
  ],
  sections: [{ title: "Subcommands", rows: [["deploy", "Deploy a ServiceRegistry and print its address"]] }],
  flags: DEPLOY_FLAGS,
  examples: [
    [`${DEFAULT_KEY_ENV}=0x... gateway contracts deploy`, `Deploy to the node in ${DEFAULT_CONFIG_PATH}`],
    ["gateway contracts deploy --config config/paper.toml --key-env DEPLOYER_KEY", "Deploy to the paper layout's chain with another variable's key"],
  ],
}

/** The node serves a chain other than the configured one. */
class ChainMismatch extends Data.TaggedError("ChainMismatch")<{ readonly served: number; readonly configured: number }> {}

/** One line per failure, saying what to do next. */
const failureLine = (error: RegistryError | ChainMismatch, url: string, config: string): string => {
  switch (error._tag) {
    case "NodeUnreachable":
      return `no Ethereum node answers at ${url}; start it (npm run stack -- up anvil) or pass --rpc URL`
    case "InsufficientFunds":
      return `account ${error.address} has too little ether on ${url} to pay for the deployment; send it some and run again`
    case "ChainMismatch":
      return `${url} serves chain id ${error.served} but [chains.ethereum].chain_id in ${config} is ${error.configured}; point --rpc at the right node or fix the config`
    default:
      return error.message
  }
}

/** Deploys and prints the result; answers the exit code. */
const deploy = async (args: Extract<ContractsArgs, { _tag: "Deploy" }>, env: Readonly<Record<string, string | undefined>>, context: CliContext): Promise<number> => {
  const loaded = await loadConfig(args.config)
  if (loaded._tag === "Failure") return printConfigError(context, loaded.failure)
  const config = loaded.success
  const key = env[args.keyEnv]?.trim() ?? ""
  if (key === "") {
    context.err(`${PREFIX}: environment variable ${args.keyEnv} is not set; export it with the deployer's 0x-prefixed private key, or name another variable with --key-env VAR`)
    return EXIT_USAGE
  }
  const url = args.rpc ?? config.registry.rpc_url
  const chainId = config.chains.ethereum.chain_id
  const node: EthereumNode = makeEthereumNode({ name: url, url, chainId, pollingIntervalMs: config.registry.poll_interval_ms })
  const account = accountFromKey(node, key)
  if (account === undefined) {
    await Effect.runPromise(closeEthereumNode(node))
    context.err(`${PREFIX}: environment variable ${args.keyEnv} does not hold a 0x-prefixed 32-byte hex private key; fix it (its value is not shown)`)
    return EXIT_USAGE
  }
  const program = Effect.gen(function* () {
    const served = Number(yield* ethereumCall(node, "eth_chainId"))
    if (served !== chainId) return yield* new ChainMismatch({ served, configured: chainId })
    return yield* deployRegistry(account, args.bound, { confirmations: config.registry.confirmations, timeoutMs: DEFAULT_WRITE_TIMEOUT_MS })
  }).pipe(Effect.ensuring(closeEthereumNode(node)))
  const result = await Effect.runPromise(Effect.result(program))
  if (result._tag === "Failure") {
    context.err(`${PREFIX}: ${failureLine(result.failure, url, args.config)}`)
    return 1
  }
  const deployed = result.success
  const address = deployed.registry.address
  context.out(`ServiceRegistry deployed at ${address}`)
  context.out(`  transaction ${deployed.hash}, block ${deployed.blockNumber}, deployer ${deployed.deployer}`)
  context.out(`  claims: one per claimant per ${deployed.bound.intervalBlocks} block(s), at most ${deployed.bound.maxPerBlock} per service per block`)
  context.out(`  bytecode from solc ${SERVICE_REGISTRY_BUILD.compiler}, evm ${SERVICE_REGISTRY_BUILD.evmVersion}, on ${url} (chain id ${chainId})`)
  context.out("")
  context.out(`Put these lines in the [registry] table of ${args.config}:`)
  context.out(`contract_address = "${address}"`)
  context.out(`from_block = ${deployed.blockNumber}            # the dashboard looks for registrations from here`)
  return 0
}

/** Builds the command; tests pass their own environment instead of process.env. */
export const makeContractsCommand = (env: Readonly<Record<string, string | undefined>> = process.env): Command => ({
  name: "contracts",
  summary: "Deploy the ServiceRegistry contract and print its address",
  flags: DEPLOY_FLAGS,
  help: CONTRACTS_HELP,
  run: async (args, context) => {
    const parsed = parseContractsArgs(args)
    if (parsed instanceof UsageError) {
      context.err(parsed.line)
      return EXIT_USAGE
    }
    if (parsed._tag === "Help") {
      for (const line of renderHelp(CONTRACTS_HELP)) context.out(line)
      return 0
    }
    return deploy(parsed, env, context)
  },
})

/** `gateway contracts`. */
export const contractsCommand: Command = makeContractsCommand()
