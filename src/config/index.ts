/**
 * The config module's public face: load a TOML file into a typed, validated
 * `GatewayConfig` with the defaults of defaults.ts filled in, and work out what
 * one host runs. Import from here rather than from the files behind it.
 */
export { type Chain, CHAINS } from "./chain.ts"
export { ConfigError } from "./config-error.ts"
export { type ConfigIssue, formatConfigIssue, formatKeyPath, type KeySegment } from "./config-issue.ts"
export { type ConfigDefault, defaultRowOf } from "./defaults.ts"
export type {
  EtcdConfig,
  GatewayConfig,
  IntakeConfig,
  RegistryConfig,
  ReplicaConfig,
  RuntimeConfig,
  StackConfig,
} from "./gateway-config.ts"
export type { HostConfig } from "./host-config.ts"
export { hostKind, summarizeHostKinds } from "./host-kind.ts"
export { type ActorKind, actorLabel, type ActorPlan, type HostPlan, hostPlan } from "./host-plan.ts"
export { HostPlanError, type HostPlanProblem } from "./host-plan-error.ts"
export type { KafkaConfig } from "./kafka-config.ts"
export { DEFAULT_CONFIG_PATH, loadConfig, loadResolvedConfig } from "./load-config.ts"
export { genericPathOf, isTable } from "./key-path.ts"
export { nearestName } from "./nearest-name.ts"
export type { ChainsConfig, NodeConfig } from "./node-config.ts"
export { parseConfig, resolveConfig, type ResolvedConfig } from "./parse-config.ts"
export { registryAddressEnv, registryAddressOf, registryManagerKeyEnvOf } from "./registry-address.ts"
export { replicaListenOf, replicaLocationOf } from "./replica-listen.ts"
export { resolveHostName } from "./resolve-host.ts"
export { isRole, type Role, ROLES } from "./role.ts"
export { type Service, SERVICES } from "./service.ts"
