/**
 * What every `gateway client` subcommand shares: the flags that say which registry and
 * which service (`--rpc-url`, `--registry`, `--service`, `--config`), and how they fall
 * back to the config (`[registry]`, `[replica]`, `[chains.ethereum]`) and to
 * GATEWAY_REGISTRY_ADDRESS. The config is read only when a flag leaves something open.
 */
import { Effect } from "effect"
import { closeEthereumNode, ethereumCall, makeEthereumNode } from "../adapters/ethereum.ts"
import { CLIENT_DEFAULTS } from "../client/index.ts"
import { DEFAULT_CONFIG_PATH, loadConfig, registryAddressEnv } from "../config/index.ts"
import { serviceIdProblem } from "../registry/index.ts"
import { type CliContext, EXIT_USAGE } from "./command.ts"
import { printConfigError } from "./config-error-report.ts"
import { flagValue, type FlagSpec, type ParsedFlags } from "./flag-parser.ts"
import { type HelpText, renderHelp } from "./help-text.ts"
import { UsageError } from "./usage-error.ts"

/** The variable that, when set, overrides `[registry].contract_address`, as it does for the gateway itself. */
const REGISTRY_ADDRESS_ENV = registryAddressEnv

/** The flags every subcommand takes. */
export const TARGET_FLAGS: ReadonlyArray<FlagSpec> = [
  { name: "--config", value: "FILE", example: "config/paper.toml", description: "Config whose [registry] and [replica] name the registry and the service", default: DEFAULT_CONFIG_PATH },
  { name: "--rpc-url", value: "URL", example: "http://127.0.0.1:8545", description: "Ethereum JSON-RPC endpoint serving the registry", default: "[registry].rpc_url" },
  {
    name: "--registry",
    value: "ADDRESS",
    example: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
    description: `ServiceRegistry address`,
    default: `$${REGISTRY_ADDRESS_ENV}, else [registry].contract_address`,
  },
  { name: "--service", value: "ID", example: "registry-dashboard", description: "Service id in the registry", default: "[replica].service_id" },
]

/** The target flags as given (undefined = take it from the config). */
export interface TargetArgs {
  /** Set when --config was given: then the file must load. */
  readonly config: string | undefined
  readonly rpcUrl: string | undefined
  readonly registry: string | undefined
  readonly service: string | undefined
}

/** Reads and checks the target flags of a scanned command line. */
export const parseTargetArgs = (parsed: ParsedFlags, prefix: string): TargetArgs | UsageError => {
  const rpcUrl = flagValue(parsed, "--rpc-url")
  if (rpcUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(rpcUrl)) {
    return new UsageError({ line: `${prefix}: --rpc-url must be an http:// or https:// URL, e.g. --rpc-url http://127.0.0.1:8545; found "${rpcUrl}"` })
  }
  const registry = flagValue(parsed, "--registry")
  if (registry !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(registry)) {
    return new UsageError({ line: `${prefix}: --registry must be a 0x address of 40 hex digits (gateway contracts deploy prints it); found "${registry}"` })
  }
  const service = flagValue(parsed, "--service")
  const problem = service === undefined ? undefined : serviceIdProblem(service)
  if (problem !== undefined) return new UsageError({ line: `${prefix}: --service must be ${problem}` })
  return { config: flagValue(parsed, "--config"), rpcUrl, registry, service }
}

/** Everything the SDK needs to reach the service, resolved. */
export interface ClientTarget {
  readonly rpcUrl: string
  readonly registryAddress: string
  readonly serviceId: string
  readonly chainId: number
  readonly confirmations: number
  readonly pollIntervalMs: number
}

/** Asks the node its chain id (used when no config says it); undefined when it does not answer. */
const askChainId = async (url: string): Promise<number | undefined> => {
  const node = makeEthereumNode({ name: url, url, chainId: 1, pollingIntervalMs: 250 })
  const result = await Effect.runPromise(Effect.result(ethereumCall(node, "eth_chainId").pipe(Effect.ensuring(closeEthereumNode(node)))))
  return result._tag === "Success" ? Number(result.success) : undefined
}

/**
 * Resolves the target from the flags, the environment and (when needed) the config; on
 * a problem it prints one line saying what to pass instead and answers the exit code.
 */
export const resolveTarget = async (
  args: TargetArgs,
  env: Readonly<Record<string, string | undefined>>,
  context: CliContext,
  prefix: string,
): Promise<ClientTarget | number> => {
  const fromEnv = env[REGISTRY_ADDRESS_ENV]?.trim() ?? ""
  const address = args.registry ?? (fromEnv === "" ? undefined : fromEnv)
  const complete = args.rpcUrl !== undefined && address !== undefined && args.service !== undefined
  if (complete && args.config === undefined) {
    const chainId = await askChainId(args.rpcUrl)
    if (chainId === undefined) {
      context.err(`${prefix}: no Ethereum node answers at ${args.rpcUrl}; start it (npm run stack -- up anvil) or pass another --rpc-url`)
      return 1
    }
    return { rpcUrl: args.rpcUrl, registryAddress: address, serviceId: args.service, chainId, confirmations: CLIENT_DEFAULTS.confirmations, pollIntervalMs: CLIENT_DEFAULTS.pollIntervalMs }
  }
  const file = args.config ?? DEFAULT_CONFIG_PATH
  const loaded = await loadConfig(file)
  if (loaded._tag === "Failure") return printConfigError(context, loaded.failure)
  const config = loaded.success
  const registryAddress = address ?? config.registry.contract_address
  if (registryAddress === "") {
    context.err(`${prefix}: no registry address: ${file} has an empty [registry].contract_address; pass --registry 0x... or set ${REGISTRY_ADDRESS_ENV} (gateway contracts deploy prints the address)`)
    return EXIT_USAGE
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(registryAddress)) {
    context.err(`${prefix}: ${REGISTRY_ADDRESS_ENV} must be a 0x address of 40 hex digits; found "${registryAddress}"`)
    return EXIT_USAGE
  }
  return {
    rpcUrl: args.rpcUrl ?? config.registry.rpc_url,
    registryAddress,
    serviceId: args.service ?? config.replica.service_id,
    chainId: config.chains.ethereum.chain_id,
    confirmations: config.registry.confirmations,
    pollIntervalMs: config.registry.poll_interval_ms,
  }
}

/** The one line for a failed usage check, and exit 2. */
export const usageFailed = (context: CliContext, error: UsageError): number => {
  context.err(error.line)
  return EXIT_USAGE
}

/**
 * A subcommand's arguments, or its exit code when there is nothing more to do: a usage
 * error is reported (exit 2) and `--help` is printed (exit 0).
 */
export const argsOrExit = <A extends { readonly _tag: string }>(
  parsed: A | UsageError,
  help: HelpText,
  context: CliContext,
): Exclude<A, { readonly _tag: "Help" }> | number => {
  if (parsed instanceof UsageError) return usageFailed(context, parsed)
  if (parsed._tag === "Help") {
    for (const line of renderHelp(help)) context.out(line)
    return 0
  }
  return parsed as Exclude<A, { readonly _tag: "Help" }>
}
