/**
 * The registry's events, decoded: service ids as text, epochs as bigints, addresses
 * lower-cased, and where each log sits in the chain so a follower can wait for
 * confirmations and notice a reorg (`removed`). Users follow NewLocation to find the
 * leader; managers follow Claim to learn that it stopped answering.
 */
import { Effect } from "effect"
import { type ContractLog, contractLogs, type EthereumRpcError } from "../adapters/ethereum.ts"
import { registryCodec } from "./artifact.ts"
import { checkServiceId } from "./registry-arguments.ts"
import type { InvalidRegistryArgument } from "./registry-errors.ts"
import type { Registry } from "./registry-handle.ts"
import { splitMembers } from "./members.ts"
import { decodeServiceId } from "./service-id.ts"

/** Where a log is in the chain. */
export interface LogPosition {
  readonly blockNumber: number
  readonly blockHash: string
  readonly transactionHash: string
  readonly logIndex: number
  /** The block holding it was dropped by a reorg. */
  readonly removed: boolean
}

/** A service was registered; `manager` is its first manager. */
export interface ServiceRegisteredEvent extends LogPosition {
  readonly _tag: "ServiceRegistered"
  readonly serviceId: string
  readonly manager: string
  readonly location: string
  readonly info: string
}

/** The service moved (or was registered, at epoch 0). */
export interface NewLocationEvent extends LogPosition {
  readonly _tag: "NewLocation"
  readonly serviceId: string
  readonly location: string
  readonly epoch: bigint
}

/** The service's info changed. */
export interface InfoUpdatedEvent extends LogPosition {
  readonly _tag: "InfoUpdated"
  readonly serviceId: string
  readonly info: string
}

/** The service's replica set changed. */
export interface MembersUpdatedEvent extends LogPosition {
  readonly _tag: "MembersUpdated"
  readonly serviceId: string
  readonly members: ReadonlyArray<string>
}

/** `by` made `manager` a manager. */
export interface ManagerAddedEvent extends LogPosition {
  readonly _tag: "ManagerAdded"
  readonly serviceId: string
  readonly manager: string
  readonly by: string
}

/** `by` removed `manager`. */
export interface ManagerRemovedEvent extends LogPosition {
  readonly _tag: "ManagerRemoved"
  readonly serviceId: string
  readonly manager: string
  readonly by: string
}

/** `claimant` could not reach the service at `failedLocation`. */
export interface ClaimEvent extends LogPosition {
  readonly _tag: "Claim"
  readonly serviceId: string
  readonly failedLocation: string
  readonly claimant: string
}

/** Any registry event. */
export type RegistryEvent = ServiceRegisteredEvent | NewLocationEvent | InfoUpdatedEvent | MembersUpdatedEvent | ManagerAddedEvent | ManagerRemovedEvent | ClaimEvent

/** The event names, which are also the contract's. */
export type RegistryEventName = RegistryEvent["_tag"]

/** Every event name, in the order the contract declares them. */
export const REGISTRY_EVENT_NAMES: ReadonlyArray<RegistryEventName> = ["ServiceRegistered", "NewLocation", "InfoUpdated", "MembersUpdated", "ManagerAdded", "ManagerRemoved", "Claim"]

const text = (v: unknown): string => (typeof v === "string" ? v : String(v))
const address = (v: unknown): string => text(v).toLowerCase()

/** Builds each event from its decoded arguments, in ABI order. */
const builders: { readonly [K in RegistryEventName]: (args: ReadonlyArray<unknown>, at: LogPosition) => Extract<RegistryEvent, { _tag: K }> } = {
  ServiceRegistered: ([s, manager, location, info], at) => ({
    _tag: "ServiceRegistered",
    serviceId: decodeServiceId(text(s)),
    manager: address(manager),
    location: text(location),
    info: text(info),
    ...at,
  }),
  NewLocation: ([s, location, epoch], at) => ({
    _tag: "NewLocation",
    serviceId: decodeServiceId(text(s)),
    location: text(location),
    epoch: typeof epoch === "bigint" ? epoch : BigInt(text(epoch)),
    ...at,
  }),
  InfoUpdated: ([s, info], at) => ({ _tag: "InfoUpdated", serviceId: decodeServiceId(text(s)), info: text(info), ...at }),
  MembersUpdated: ([s, members], at) => ({ _tag: "MembersUpdated", serviceId: decodeServiceId(text(s)), members: splitMembers(text(members)), ...at }),
  ManagerAdded: ([s, manager, by], at) => ({ _tag: "ManagerAdded", serviceId: decodeServiceId(text(s)), manager: address(manager), by: address(by), ...at }),
  ManagerRemoved: ([s, manager, by], at) => ({ _tag: "ManagerRemoved", serviceId: decodeServiceId(text(s)), manager: address(manager), by: address(by), ...at }),
  Claim: ([s, failedLocation, claimant], at) => ({
    _tag: "Claim",
    serviceId: decodeServiceId(text(s)),
    failedLocation: text(failedLocation),
    claimant: address(claimant),
    ...at,
  }),
}

const isEventName = (name: string): name is RegistryEventName => (REGISTRY_EVENT_NAMES as ReadonlyArray<string>).includes(name)

/** The registry event a log carries, or undefined for a log of another contract or event. */
export const decodeRegistryLog = (registryAddress: string, log: ContractLog): RegistryEvent | undefined => {
  if (log.address !== registryAddress.toLowerCase()) return undefined
  const decoded = registryCodec.decodeLog(log)
  if (decoded === undefined || !isEventName(decoded.name)) return undefined
  const at: LogPosition = {
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    logIndex: log.logIndex,
    removed: log.removed,
  }
  return builders[decoded.name](decoded.args, at)
}

/** An inclusive block range, optionally narrowed to one service. */
export interface EventQuery {
  readonly fromBlock: number
  readonly toBlock: number | "latest"
  readonly serviceId?: string
}

/** The events named in `names` between two blocks, in chain order. Every registry event indexes the service id first. */
export const registryEvents = <N extends RegistryEventName>(
  registry: Registry,
  names: ReadonlyArray<N>,
  query: EventQuery,
): Effect.Effect<ReadonlyArray<Extract<RegistryEvent, { _tag: N }>>, EthereumRpcError | InvalidRegistryArgument> =>
  Effect.gen(function* () {
    const service = query.serviceId === undefined ? null : yield* checkServiceId(query.serviceId)
    const logs = yield* contractLogs(registry.node, {
      address: registry.address,
      topics: [names.map((name) => registryCodec.eventTopic(name)), service],
      fromBlock: query.fromBlock,
      toBlock: query.toBlock,
    })
    const wanted = new Set<string>(names)
    return logs.flatMap((log) => {
      const event = decodeRegistryLog(registry.address, log)
      return event !== undefined && wanted.has(event._tag) ? [event as Extract<RegistryEvent, { _tag: N }>] : []
    })
  })

/** Location changes between two blocks: what users follow to find the leader. */
export const newLocationEvents = (registry: Registry, query: EventQuery) => registryEvents(registry, ["NewLocation"], query)

/** Claims between two blocks: what managers follow to find a failure. */
export const claimEvents = (registry: Registry, query: EventQuery) => registryEvents(registry, ["Claim"], query)
