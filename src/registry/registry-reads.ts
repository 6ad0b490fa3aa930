/**
 * Read-only calls to the registry (`eth_call` on the latest block, no gas, no key):
 * where the service is and at which epoch, its whole record, its managers, and the
 * claim limits. An answer that does not decode means the address holds something else.
 */
import { Effect } from "effect"
import { callContract } from "../adapters/ethereum.ts"
import type { ClaimBound } from "./claim-bound.ts"
import { registryCodec } from "./artifact.ts"
import { splitMembers } from "./members.ts"
import { checkAddress, checkServiceId } from "./registry-arguments.ts"
import { NotARegistry, type RegistryError, revertToRegistryError } from "./registry-errors.ts"
import type { Registry } from "./registry-handle.ts"

/** Calls a view function and answers its decoded return values. */
const view = (registry: Registry, fn: string, args: ReadonlyArray<unknown>): Effect.Effect<ReadonlyArray<unknown>, RegistryError> =>
  Effect.gen(function* () {
    const data = yield* callContract(registry.node, registry.address, registryCodec.encodeCall(fn, args)).pipe(
      Effect.catchTag("ContractReverted", (reverted) => Effect.fail(revertToRegistryError(registry.address, reverted))),
    )
    const values = registryCodec.decodeResult(fn, data)
    if (values === undefined) return yield* new NotARegistry({ address: registry.address, detail: `${fn} answered ${data.length > 66 ? `${data.slice(0, 66)}...` : data}` })
    return values
  })

const text = (v: unknown): string => (typeof v === "string" ? v : String(v))
const big = (v: unknown): bigint => (typeof v === "bigint" ? v : BigInt(text(v)))

/** Where users reach the service, and the epoch of the leader that wrote it. */
export interface ServiceLocation {
  readonly location: string
  readonly epoch: bigint
}

/** Everything the registry stores about a service. */
export interface ServiceRecord extends ServiceLocation {
  readonly serviceId: string
  readonly info: string
  /** Lower-cased addresses; the order changes when a manager is removed. */
  readonly managers: ReadonlyArray<string>
}

/** The service's current location and epoch; UnknownService if it was never registered. */
export const getServiceLocation = (registry: Registry, serviceId: string): Effect.Effect<ServiceLocation, RegistryError> =>
  Effect.gen(function* () {
    const [location, epoch] = yield* view(registry, "getServiceLocation", [yield* checkServiceId(serviceId)])
    return { location: text(location), epoch: big(epoch) }
  })

/** The service's replica set (empty until a manager wrote it); UnknownService if it was never registered. */
export const getServiceMembers = (registry: Registry, serviceId: string): Effect.Effect<ReadonlyArray<string>, RegistryError> =>
  Effect.gen(function* () {
    const [members] = yield* view(registry, "getServiceMembers", [yield* checkServiceId(serviceId)])
    return splitMembers(text(members))
  })

/** The service's whole record, for the dashboard. */
export const getService = (registry: Registry, serviceId: string): Effect.Effect<ServiceRecord, RegistryError> =>
  Effect.gen(function* () {
    const [location, epoch, info, managers] = yield* view(registry, "getService", [yield* checkServiceId(serviceId)])
    const list = Array.isArray(managers) ? managers.map((m) => text(m).toLowerCase()) : []
    return { serviceId, location: text(location), epoch: big(epoch), info: text(info), managers: list }
  })

/** Whether `account` may update the service (false for an unknown service). */
export const isManager = (registry: Registry, serviceId: string, account: string): Effect.Effect<boolean, RegistryError> =>
  Effect.gen(function* () {
    const [answer] = yield* view(registry, "isManager", [yield* checkServiceId(serviceId), yield* checkAddress("account", account)])
    return answer === true
  })

/** The first block from which `claimant` may claim against the service again; 0 when it may now. */
export const nextClaimBlock = (registry: Registry, serviceId: string, claimant: string): Effect.Effect<number, RegistryError> =>
  Effect.gen(function* () {
    const [block] = yield* view(registry, "nextClaimBlock", [yield* checkServiceId(serviceId), yield* checkAddress("claimant", claimant)])
    return Number(big(block))
  })

/** The claim limits the registry was deployed with. Also the cheapest check that an address holds a registry. */
export const claimBound = (registry: Registry): Effect.Effect<ClaimBound, RegistryError> =>
  Effect.gen(function* () {
    const [interval] = yield* view(registry, "claimIntervalBlocks", [])
    const [max] = yield* view(registry, "maxClaimsPerBlock", [])
    return { intervalBlocks: Number(big(interval)), maxPerBlock: Number(big(max)) }
  })
