/**
 * Which ServiceRegistry the gateway talks to, and which variable holds the manager key.
 * The address is `[registry].contract_address`, unless the environment variable
 * `GATEWAY_REGISTRY_ADDRESS` is set: a test or bench that deploys a fresh registry points
 * every process at it without rewriting the config.
 */
import { CONFIG_DEFAULTS } from "./defaults.ts"
import type { GatewayConfig } from "./gateway-config.ts"

/** The variable that, when set and non-empty, overrides `[registry].contract_address`. */
export const registryAddressEnv = "GATEWAY_REGISTRY_ADDRESS"

/** The manager-key variable used when `[registry].manager_key_env` is not set (see defaults.ts). */
const defaultManagerKeyEnv = CONFIG_DEFAULTS["registry.manager_key_env"].value

/** The registry address in effect ("" when none is deployed); the override is trimmed, not validated here. */
export const registryAddressOf = (config: Pick<GatewayConfig, "registry">, env: Readonly<Record<string, string | undefined>>): string => {
  const override = env[registryAddressEnv]?.trim() ?? ""
  return override !== "" ? override : config.registry.contract_address
}

/** The name of the variable holding the key the leader signs registry writes with. */
export const registryManagerKeyEnvOf = (config: Pick<GatewayConfig, "registry">): string => config.registry.manager_key_env ?? defaultManagerKeyEnv
