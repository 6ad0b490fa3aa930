/**
 * The ServiceRegistry's custom errors as tagged classes, one per contract error and
 * named after it, with their arguments decoded (service ids as text, epochs as bigints).
 * `revertToRegistryError` is the one place revert data becomes one of them. None is
 * retriable: the same call fails the same way until the chain state changes.
 */
import { Data } from "effect"
import type { ContractReverted, EthereumRpcError, InsufficientFunds, TransactionNotMined } from "../adapters/ethereum.ts"
import { registryCodec } from "./artifact.ts"
import { decodeServiceId } from "./service-id.ts"

/** `register` for an id that is already taken. */
export class AlreadyRegistered extends Data.TaggedError("AlreadyRegistered")<{ readonly serviceId: string }> {
  override get message() {
    return `service "${this.serviceId}" is already registered; pick another id, or update it from one of its managers' keys`
  }
}

/** A call names a service nobody registered. */
export class UnknownService extends Data.TaggedError("UnknownService")<{ readonly serviceId: string }> {
  override get message() {
    return `no service "${this.serviceId}" is registered; register it first (or check the id and [registry].contract_address)`
  }
}

/** An update from an address that is not one of the service's managers. */
export class NotManager extends Data.TaggedError("NotManager")<{ readonly serviceId: string; readonly account: string }> {
  override get message() {
    return `${this.account} is not a manager of service "${this.serviceId}"; send from a manager's key, or have a manager add this address`
  }
}

/** `addManager` for an address that already is one. */
export class AlreadyManager extends Data.TaggedError("AlreadyManager")<{ readonly serviceId: string; readonly account: string }> {
  override get message() {
    return `${this.account} is already a manager of service "${this.serviceId}"; nothing to add`
  }
}

/** `removeManager` for an address that is not one. */
export class UnknownManager extends Data.TaggedError("UnknownManager")<{ readonly serviceId: string; readonly account: string }> {
  override get message() {
    return `${this.account} is not a manager of service "${this.serviceId}"; nothing to remove`
  }
}

/** `addManager` with the zero address, which nobody holds the key of. */
export class ZeroAddressManager extends Data.TaggedError("ZeroAddressManager")<{ readonly serviceId: string }> {
  override get message() {
    return `the zero address cannot manage service "${this.serviceId}"; give a real account's address`
  }
}

/** `removeManager` would leave the service with nobody able to update it. */
export class LastManager extends Data.TaggedError("LastManager")<{ readonly serviceId: string }> {
  override get message() {
    return `cannot remove the last manager of service "${this.serviceId}"; add its successor first`
  }
}

/** A location update whose epoch is not greater than the last one written: a stale (or replayed) leader. */
export class StaleEpoch extends Data.TaggedError("StaleEpoch")<{
  readonly serviceId: string
  readonly lastEpoch: bigint
  readonly givenEpoch: bigint
}> {
  override get message() {
    return `epoch ${this.givenEpoch} for service "${this.serviceId}" is stale: the registry already holds epoch ${this.lastEpoch}; only a leader with a newer epoch may move it`
  }
}

/** A claim about a location the service has already left. */
export class ClaimForOldLocation extends Data.TaggedError("ClaimForOldLocation")<{
  readonly serviceId: string
  readonly currentLocation: string
}> {
  override get message() {
    return `service "${this.serviceId}" has moved to ${this.currentLocation}; try it there before claiming again`
  }
}

/** The same claimant claimed against this service too recently. */
export class ClaimTooSoon extends Data.TaggedError("ClaimTooSoon")<{ readonly serviceId: string; readonly nextClaimBlock: number }> {
  override get message() {
    return `this account claimed against service "${this.serviceId}" too recently; it may claim again from block ${this.nextClaimBlock}`
  }
}

/** The service already took its maximum number of claims in this block. */
export class ClaimLimitReached extends Data.TaggedError("ClaimLimitReached")<{ readonly serviceId: string; readonly blockNumber: number }> {
  override get message() {
    return `service "${this.serviceId}" already has the most claims one block accepts (block ${this.blockNumber}); its managers have been told, or try in a later block`
  }
}

/** A deployment with a claim interval or per-block cap of 0. */
export class InvalidClaimBound extends Data.TaggedError("InvalidClaimBound")<{ readonly intervalBlocks: number; readonly maxPerBlock: number }> {
  override get message() {
    return `a claim bound of ${this.intervalBlocks} block(s) per claimant and ${this.maxPerBlock} claim(s) per block cannot work; both must be at least 1`
  }
}

/** An argument the client refuses before asking the chain (the contract's EmptyServiceId lands here too). */
export class InvalidRegistryArgument extends Data.TaggedError("InvalidRegistryArgument")<{
  readonly field: string
  readonly value: string
  readonly expected: string
}> {
  override get message() {
    return `${this.field}: expected ${this.expected}; found ${JSON.stringify(this.value)}`
  }
}

/** The address did not answer like a ServiceRegistry: no code there, another contract, or an unknown revert. */
export class NotARegistry extends Data.TaggedError("NotARegistry")<{ readonly address: string; readonly detail: string }> {
  override get message() {
    return `${this.address} did not answer like a ServiceRegistry (${this.detail}); check [registry].contract_address, or run gateway contracts deploy`
  }
}

/** A revert that is none of the registry's errors: out of gas, or another contract at the address. */
export class UnrecognisedRevert extends Data.TaggedError("UnrecognisedRevert")<{
  readonly address: string
  readonly method: string
  readonly data: string
  readonly txHash?: string
}> {
  override get message() {
    const where = this.txHash === undefined ? "" : ` in transaction ${this.txHash}`
    return `${this.method} on ${this.address} reverted${where} without a ServiceRegistry error (data ${this.data}); check that [registry].contract_address holds a ServiceRegistry`
  }
}

/** A revert the registry itself raised. */
export type RegistryRevert =
  | AlreadyRegistered
  | UnknownService
  | NotManager
  | AlreadyManager
  | UnknownManager
  | ZeroAddressManager
  | LastManager
  | StaleEpoch
  | ClaimForOldLocation
  | ClaimTooSoon
  | ClaimLimitReached
  | InvalidClaimBound

/** Every way a registry call can fail: the contract said no, the client refused, or the node failed. */
export type RegistryError =
  | RegistryRevert
  | InvalidRegistryArgument
  | NotARegistry
  | UnrecognisedRevert
  | EthereumRpcError
  | InsufficientFunds
  | TransactionNotMined

const text = (v: unknown): string => (typeof v === "string" ? v : String(v))
const id = (v: unknown): string => decodeServiceId(text(v))
const account = (v: unknown): string => text(v).toLowerCase()
const big = (v: unknown): bigint => (typeof v === "bigint" ? v : BigInt(text(v)))

/** Contract error name to the tagged error built from its arguments. */
const byName: Record<string, (args: ReadonlyArray<unknown>) => RegistryRevert | InvalidRegistryArgument> = {
  AlreadyRegistered: ([s]) => new AlreadyRegistered({ serviceId: id(s) }),
  UnknownService: ([s]) => new UnknownService({ serviceId: id(s) }),
  NotManager: ([s, a]) => new NotManager({ serviceId: id(s), account: account(a) }),
  AlreadyManager: ([s, a]) => new AlreadyManager({ serviceId: id(s), account: account(a) }),
  UnknownManager: ([s, a]) => new UnknownManager({ serviceId: id(s), account: account(a) }),
  ZeroAddressManager: ([s]) => new ZeroAddressManager({ serviceId: id(s) }),
  LastManager: ([s]) => new LastManager({ serviceId: id(s) }),
  StaleEpoch: ([s, last, given]) => new StaleEpoch({ serviceId: id(s), lastEpoch: big(last), givenEpoch: big(given) }),
  ClaimForOldLocation: ([s, current]) => new ClaimForOldLocation({ serviceId: id(s), currentLocation: text(current) }),
  ClaimTooSoon: ([s, next]) => new ClaimTooSoon({ serviceId: id(s), nextClaimBlock: Number(big(next)) }),
  ClaimLimitReached: ([s, block]) => new ClaimLimitReached({ serviceId: id(s), blockNumber: Number(big(block)) }),
  InvalidClaimBound: ([interval, max]) => new InvalidClaimBound({ intervalBlocks: Number(big(interval)), maxPerBlock: Number(big(max)) }),
  EmptyServiceId: () => new InvalidRegistryArgument({ field: "serviceId", value: "", expected: "a non-empty service id" }),
}

/** Turns a revert into the registry error it encodes, or UnrecognisedRevert when it encodes none. */
export const revertToRegistryError = (address: string, reverted: ContractReverted): RegistryRevert | InvalidRegistryArgument | UnrecognisedRevert => {
  const decoded = registryCodec.decodeError(reverted.data)
  const build = decoded === undefined ? undefined : byName[decoded.name]
  if (decoded === undefined || build === undefined) {
    return new UnrecognisedRevert({
      address,
      method: reverted.method,
      data: reverted.data,
      ...(reverted.txHash === undefined ? {} : { txHash: reverted.txHash }),
    })
  }
  return build(decoded.args)
}
