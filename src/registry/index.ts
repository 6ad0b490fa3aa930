/**
 * The ServiceRegistry client: deploy it, write to it (register, move with an epoch,
 * update info, manage managers, claim), read it, and query its events. Everything goes
 * through src/adapters/ethereum.ts; errors are tagged classes named after the contract's.
 */
export { SERVICE_REGISTRY_ABI, SERVICE_REGISTRY_BUILD, SERVICE_REGISTRY_BYTECODE } from "./artifact.ts"
export { CLAIM_BOUND_LIMITS, type ClaimBound, DEFAULT_CLAIM_BOUND } from "./claim-bound.ts"
export { type DeployedRegistry, type DeployOptions, deployRegistry } from "./deploy-registry.ts"
export * from "./registry-errors.ts"
export * from "./registry-events.ts"
export { DEFAULT_WRITE_TIMEOUT_MS, type Registry, registryAt } from "./registry-handle.ts"
export * from "./registry-reads.ts"
export * from "./registry-writes.ts"
export { decodeServiceId, encodeServiceId, MAX_SERVICE_ID_BYTES, serviceIdProblem } from "./service-id.ts"
