/**
 * The claimant's key for `gateway client submit` and `gateway client claim`: read from
 * an environment variable named by `--key-env`, never from argv (where `ps` would show
 * it), and never printed.
 */
import type { FlagSpec, ParsedFlags } from "./flag-parser.ts"
import { flagValue } from "./flag-parser.ts"
import { UsageError } from "./usage-error.ts"

/** The variable read when --key-env is not given. */
export const DEFAULT_CLIENT_KEY_ENV = "GATEWAY_CLIENT_KEY"

/** The --key-env flag. */
export const KEY_ENV_FLAG: FlagSpec = {
  name: "--key-env",
  value: "VAR",
  example: "GATEWAY_REGISTRY_KEY",
  description: "Environment variable holding the 0x private key claims are sent from",
  default: DEFAULT_CLIENT_KEY_ENV,
}

/** Which variable, and whether the user named it (then it must be set). */
export interface KeyEnvArg {
  readonly name: string
  readonly explicit: boolean
}

/** Reads --key-env, refusing a key pasted where the variable's name belongs. */
export const parseKeyEnv = (parsed: ParsedFlags, prefix: string): KeyEnvArg | UsageError => {
  const given = flagValue(parsed, "--key-env")
  const name = given ?? DEFAULT_CLIENT_KEY_ENV
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return new UsageError({ line: `${prefix}: --key-env takes the name of an environment variable, e.g. --key-env GATEWAY_REGISTRY_KEY, not the key itself` })
  }
  return { name, explicit: given !== undefined }
}

/** The key, undefined when the variable is unset, or a one-line error when it holds something that is not a key. */
export const readKey = (arg: KeyEnvArg, env: Readonly<Record<string, string | undefined>>, prefix: string): string | undefined | UsageError => {
  const value = env[arg.name]?.trim() ?? ""
  if (value === "") return undefined
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) {
    return new UsageError({ line: `${prefix}: environment variable ${arg.name} does not hold a 0x-prefixed 32-byte hex private key; fix it (its value is not shown)` })
  }
  return value
}
