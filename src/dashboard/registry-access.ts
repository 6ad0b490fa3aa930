/**
 * The real DashboardRegistry: reads through src/registry, and manager actions signed by
 * the gateway's manager account. Without that account every action fails with
 * ManagerKeyMissing before anything is encoded or sent.
 */
import { Effect } from "effect"
import type { EthereumAccount } from "../adapters/ethereum.ts"
import {
  addManager,
  getService,
  getServiceMembers,
  NotARegistry,
  type Registry,
  type RegistryError,
  register,
  removeManager,
  type ServiceRecord,
  updateInfo,
  updateLocation,
} from "../registry/index.ts"
import type { ActionError, ActionReceipt, DashboardRegistry } from "./dashboard-deps.ts"
import { ManagerKeyMissing } from "./manager-key-missing.ts"
import { makeServiceIndex } from "./service-index.ts"

/** Where the listing starts, and which variable holds the manager key (named when it is missing). */
export interface RegistryAccessOptions {
  /** First block to look for registrations in: the registry's deployment block, or 0. */
  readonly fromBlock: number
  /** `[registry].manager_key_env`, e.g. GATEWAY_REGISTRY_KEY. */
  readonly managerKeyEnv: string
}

/** How many records one listing reads at once. */
const READ_CONCURRENCY = 4

/** The dashboard's view of `registry`, signing with `manager` when there is one. */
export const registryAccess = (registry: Registry, manager: EthereumAccount | undefined, options: RegistryAccessOptions): DashboardRegistry => {
  const index = makeServiceIndex(registry, options.fromBlock)
  const signed = <A extends { readonly hash: string; readonly blockNumber: number }>(
    write: (from: EthereumAccount) => Effect.Effect<A, RegistryError>,
  ): Effect.Effect<ActionReceipt, ActionError> =>
    manager === undefined
      ? Effect.fail(new ManagerKeyMissing({ env: options.managerKeyEnv }))
      : Effect.map(write(manager), (done) => ({ txHash: done.hash, blockNumber: done.blockNumber }))

  const listServices = (): Effect.Effect<ReadonlyArray<ServiceRecord>, RegistryError> =>
    Effect.gen(function* () {
      const ids = yield* index.ids()
      const records = yield* Effect.forEach(
        ids,
        (id) => getService(registry, id).pipe(Effect.map((r): ServiceRecord | undefined => r), Effect.catchTag("UnknownService", () => Effect.succeed(undefined))),
        { concurrency: READ_CONCURRENCY },
      )
      return records.filter((r): r is ServiceRecord => r !== undefined)
    })

  return {
    address: registry.address,
    signer: manager?.address,
    listServices,
    getService: (serviceId) => getService(registry, serviceId),
    getMembers: (serviceId) => getServiceMembers(registry, serviceId),
    register: (serviceId, location, info) => signed((from) => register(registry, from, serviceId, location, info)),
    updateLocation: (serviceId, location, epoch) => signed((from) => updateLocation(registry, from, serviceId, location, epoch)),
    updateInfo: (serviceId, info) => signed((from) => updateInfo(registry, from, serviceId, info)),
    addManager: (serviceId, account) => signed((from) => addManager(registry, from, serviceId, account)),
    removeManager: (serviceId, account) => signed((from) => removeManager(registry, from, serviceId, account)),
  }
}

/**
 * The dashboard of a gateway with no registry address configured: every read and action
 * fails with NotARegistry saying how to deploy one, so the pages explain instead of erroring.
 */
export const noRegistry = (): DashboardRegistry => {
  const missing = Effect.fail(
    new NotARegistry({ address: "(none)", detail: "no registry address is configured; run 'gateway contracts deploy' and set [registry].contract_address or GATEWAY_REGISTRY_ADDRESS" }),
  )
  return {
    address: "(not deployed)",
    signer: undefined,
    listServices: () => missing,
    getService: () => missing,
    getMembers: () => missing,
    register: () => missing,
    updateLocation: () => missing,
    updateInfo: () => missing,
    addManager: () => missing,
    removeManager: () => missing,
  }
}
