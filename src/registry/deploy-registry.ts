/**
 * Deploys a ServiceRegistry from the committed artifact and waits until the deployment
 * has its confirmations. Used by `gateway contracts deploy` and by the tests, which
 * deploy their own registry so they never share state with another run.
 */
import { Effect } from "effect"
import { type EthereumAccount, sendContractTransaction } from "../adapters/ethereum.ts"
import { registryCodec, SERVICE_REGISTRY_BYTECODE } from "./artifact.ts"
import type { ClaimBound } from "./claim-bound.ts"
import { checkClaimBound } from "./registry-arguments.ts"
import { type RegistryError, revertToRegistryError } from "./registry-errors.ts"
import { type Registry, registryAt } from "./registry-handle.ts"

/** A confirmed deployment. */
export interface DeployedRegistry {
  readonly registry: Registry
  readonly hash: string
  readonly blockNumber: number
  readonly deployer: string
  readonly bound: ClaimBound
}

/** How the deployment waits: `[registry].confirmations` and a timeout. */
export interface DeployOptions {
  readonly confirmations: number
  readonly timeoutMs: number
}

/** Deploys a registry with `bound` from `from`; answers a handle with the same write settings. */
export const deployRegistry = (from: EthereumAccount, bound: ClaimBound, options: DeployOptions): Effect.Effect<DeployedRegistry, RegistryError> =>
  Effect.gen(function* () {
    const checked = yield* checkClaimBound(bound)
    const data = registryCodec.encodeDeploy(SERVICE_REGISTRY_BYTECODE, [checked.intervalBlocks, checked.maxPerBlock])
    const mined = yield* sendContractTransaction(from, { to: null, data, ...options }).pipe(
      Effect.catchTag("ContractReverted", (reverted) => Effect.fail(revertToRegistryError("(deployment)", reverted))),
    )
    const address = mined.contractAddress ?? ""
    return {
      registry: registryAt(from.node, address, options.confirmations, options.timeoutMs),
      hash: mined.hash,
      blockNumber: mined.blockNumber,
      deployer: from.address,
      bound: checked,
    }
  })
