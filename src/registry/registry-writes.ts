/**
 * The registry's transactions: register a service, move it (with the leader's epoch),
 * change its info or its replica set, add and remove managers, and file a claim. Each one is checked
 * client-side, sent from the given account, waited for, and answered with the event it
 * emitted. A contract refusal comes back as the tagged error named after the contract's
 * (StaleEpoch with the epoch the registry holds, NotManager with the account, ...).
 */
import { Effect } from "effect"
import { type EthereumAccount, sendContractTransaction } from "../adapters/ethereum.ts"
import { registryCodec } from "./artifact.ts"
import { checkAddress, checkEpoch, checkServiceId } from "./registry-arguments.ts"
import { InvalidRegistryArgument, NotARegistry, type RegistryError, revertToRegistryError } from "./registry-errors.ts"
import { joinMembers } from "./members.ts"
import { decodeRegistryLog, type RegistryEvent, type RegistryEventName } from "./registry-events.ts"
import type { Registry } from "./registry-handle.ts"

/** A confirmed write and the event that shows it took effect. */
export interface WriteOutcome<E extends RegistryEvent> {
  readonly hash: string
  readonly blockNumber: number
  readonly gasUsed: bigint
  readonly event: E
  /** Every registry event the transaction emitted, in log order. */
  readonly events: ReadonlyArray<RegistryEvent>
}

/** Sends `fn(args)` and expects `expected` among the registry's logs; a success without it means the address is not a registry. */
const transact = <N extends RegistryEventName>(
  registry: Registry,
  from: EthereumAccount,
  fn: string,
  args: ReadonlyArray<unknown>,
  expected: N,
): Effect.Effect<WriteOutcome<Extract<RegistryEvent, { _tag: N }>>, RegistryError> =>
  Effect.gen(function* () {
    const mined = yield* sendContractTransaction(from, {
      to: registry.address,
      data: registryCodec.encodeCall(fn, args),
      confirmations: registry.confirmations,
      timeoutMs: registry.timeoutMs,
    }).pipe(Effect.catchTag("ContractReverted", (reverted) => Effect.fail(revertToRegistryError(registry.address, reverted))))
    const events = mined.logs.flatMap((log) => {
      const event = decodeRegistryLog(registry.address, log)
      return event === undefined ? [] : [event]
    })
    const event = events.find((e): e is Extract<RegistryEvent, { _tag: N }> => e._tag === expected)
    if (event === undefined) {
      return yield* new NotARegistry({ address: registry.address, detail: `${fn} in transaction ${mined.hash} succeeded without emitting ${expected}` })
    }
    return { hash: mined.hash, blockNumber: mined.blockNumber, gasUsed: mined.gasUsed, event, events }
  })

/** Registers `serviceId` at `location` (epoch 0), with `from` as its first manager. */
export const register = (registry: Registry, from: EthereumAccount, serviceId: string, location: string, info: string) =>
  Effect.flatMap(checkServiceId(serviceId), (id) => transact(registry, from, "register", [id, location, info], "ServiceRegistered"))

/**
 * Moves the service to `location` for the leader of `epoch` (the etcd leader key's create
 * revision). Fails with StaleEpoch when the registry already holds this epoch or a newer one.
 */
export const updateLocation = (registry: Registry, from: EthereumAccount, serviceId: string, location: string, epoch: bigint) =>
  Effect.gen(function* () {
    const id = yield* checkServiceId(serviceId)
    const checked = yield* checkEpoch(epoch)
    return yield* transact(registry, from, "updateLocation", [id, location, checked], "NewLocation")
  })

/** Replaces the service's info text. */
export const updateInfo = (registry: Registry, from: EthereumAccount, serviceId: string, info: string) =>
  Effect.flatMap(checkServiceId(serviceId), (id) => transact(registry, from, "updateInfo", [id, info], "InfoUpdated"))

/** Replaces the service's replica set: every replica's location (http(s) URLs, no commas). */
export const updateMembers = (registry: Registry, from: EthereumAccount, serviceId: string, members: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const id = yield* checkServiceId(serviceId)
    const joined = joinMembers(members)
    if (!joined.ok) return yield* new InvalidRegistryArgument({ field: "members", value: joined.bad, expected: "http:// or https:// URLs without commas or blanks, e.g. http://10.0.0.11:8090" })
    return yield* transact(registry, from, "updateMembers", [id, joined.stored], "MembersUpdated")
  })

/** Makes `account` a manager of the service as well. */
export const addManager = (registry: Registry, from: EthereumAccount, serviceId: string, account: string) =>
  Effect.gen(function* () {
    const id = yield* checkServiceId(serviceId)
    const manager = yield* checkAddress("account", account)
    return yield* transact(registry, from, "addManager", [id, manager], "ManagerAdded")
  })

/** Removes `account` (possibly `from` itself) from the managers; the last manager cannot be removed. */
export const removeManager = (registry: Registry, from: EthereumAccount, serviceId: string, account: string) =>
  Effect.gen(function* () {
    const id = yield* checkServiceId(serviceId)
    const manager = yield* checkAddress("account", account)
    return yield* transact(registry, from, "removeManager", [id, manager], "ManagerRemoved")
  })

/** Reports that the service did not answer at `failedLocation`, which must be its current location. */
export const sendClaim = (registry: Registry, from: EthereumAccount, serviceId: string, failedLocation: string) =>
  Effect.flatMap(checkServiceId(serviceId), (id) => transact(registry, from, "sendClaim", [id, failedLocation], "Claim"))
