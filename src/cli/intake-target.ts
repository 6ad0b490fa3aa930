/**
 * What `gateway send` and `gateway status` share: which intake (`--url`, else
 * `$GATEWAY_URL`, else the local stack's `http://127.0.0.1:8080`), which API key (read
 * from the environment variable `--api-key-env` names, never from argv where `ps` would
 * show it), how long to keep retrying, and whether to print JSON.
 */
import { GATEWAY_CLIENT_DEFAULTS, type GatewayClientOptions } from "../client/index.ts"
import { millis } from "./client-list-command.ts"
import { flagValue, type FlagSpec, type ParsedFlags } from "./flag-parser.ts"
import { UsageError } from "./usage-error.ts"

/** The intake the local stack serves (`[intake].listen` of config/local.toml). */
export const DEFAULT_INTAKE_URL = "http://127.0.0.1:8080"
/** Read when --url is not given. */
export const INTAKE_URL_ENV = "GATEWAY_URL"
/** Read when --api-key-env is not given; then the first key of GATEWAY_API_KEYS (what the local stack exports). */
export const API_KEY_ENV = "GATEWAY_API_KEY"
const STACK_KEYS_ENV = "GATEWAY_API_KEYS"

/** The flags both commands take. */
export const INTAKE_FLAGS: ReadonlyArray<FlagSpec> = [
  { name: "--url", value: "URL", example: "http://10.0.0.5:8080", description: "The intake's base URL", default: `$${INTAKE_URL_ENV}, else ${DEFAULT_INTAKE_URL}` },
  {
    name: "--api-key-env",
    value: "VAR",
    example: "PAYROLL_API_KEY",
    description: "Environment variable holding the API key (the key is never taken from the command line)",
    default: `${API_KEY_ENV}, else the first key of ${STACK_KEYS_ENV}`,
  },
  { name: "--retry-for", value: "MS", example: "60000", description: "How long a call retries 503, 429 and no answer, under one Idempotency-Key", default: String(GATEWAY_CLIENT_DEFAULTS.retryForMs) },
  { name: "--json", description: "Print the intake's answer as JSON, one object per line" },
]

/** The shared flags as given. */
export interface IntakeArgs {
  readonly url: string | undefined
  readonly apiKeyEnv: string | undefined
  readonly retryForMs: number
  readonly json: boolean
}

/** Reads and checks the shared flags of a scanned command line. */
export const parseIntakeArgs = (parsed: ParsedFlags, prefix: string): IntakeArgs | UsageError => {
  const url = flagValue(parsed, "--url")
  if (url !== undefined && (!/^https?:\/\/[^\s/]+/.test(url) || !URL.canParse(url))) {
    return new UsageError({ line: `${prefix}: --url must be the intake's http:// or https:// base URL, e.g. --url ${DEFAULT_INTAKE_URL}; found "${url}"` })
  }
  const apiKeyEnv = flagValue(parsed, "--api-key-env")
  if (apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv)) {
    return new UsageError({ line: `${prefix}: --api-key-env takes the name of an environment variable, e.g. --api-key-env PAYROLL_API_KEY, not the key itself` })
  }
  const retryForMs = millis(prefix, "--retry-for", flagValue(parsed, "--retry-for"), GATEWAY_CLIENT_DEFAULTS.retryForMs)
  if (retryForMs instanceof UsageError) return retryForMs
  return { url, apiKeyEnv, retryForMs, json: parsed.values.has("--json") }
}

/** The SDK's options from the flags and the environment, or the line that says what to set. */
export const resolveIntake = (args: IntakeArgs, env: Readonly<Record<string, string | undefined>>, prefix: string): GatewayClientOptions | UsageError => {
  const fromEnv = env[INTAKE_URL_ENV]?.trim() ?? ""
  const url = args.url ?? (fromEnv === "" ? DEFAULT_INTAKE_URL : fromEnv)
  if (!/^https?:\/\/[^\s/]+/.test(url) || !URL.canParse(url)) {
    return new UsageError({ line: `${prefix}: ${INTAKE_URL_ENV} must be the intake's http:// or https:// base URL; found "${url}"` })
  }
  const named = args.apiKeyEnv === undefined ? undefined : (env[args.apiKeyEnv]?.trim() ?? "")
  if (args.apiKeyEnv !== undefined && named === "") {
    return new UsageError({ line: `${prefix}: environment variable ${args.apiKeyEnv} is not set; export it with one of the intake's API keys` })
  }
  const apiKey = named ?? (env[API_KEY_ENV]?.trim() || (env[STACK_KEYS_ENV] ?? "").split(",")[0]?.trim() || "")
  if (apiKey === "") {
    return new UsageError({ line: `${prefix}: no API key: export ${API_KEY_ENV} with one of the intake's keys (GATEWAY_API_KEYS on the gateway), or name another variable with --api-key-env` })
  }
  return { url, apiKey, retryForMs: args.retryForMs }
}
