/**
 * Checks the arguments of registry calls before anything is encoded or sent, so a bad
 * service id, address or epoch is an InvalidRegistryArgument that names the field,
 * never an ABI encoder exception or a wasted transaction.
 */
import { Effect } from "effect"
import { CLAIM_BOUND_LIMITS, type ClaimBound } from "./claim-bound.ts"
import { InvalidRegistryArgument } from "./registry-errors.ts"
import { encodeServiceId, serviceIdProblem } from "./service-id.ts"

/** The bytes32 form of `serviceId`. */
export const checkServiceId = (serviceId: string): Effect.Effect<string, InvalidRegistryArgument> => {
  const problem = serviceIdProblem(serviceId)
  return problem === undefined
    ? Effect.succeed(encodeServiceId(serviceId))
    : Effect.fail(new InvalidRegistryArgument({ field: "serviceId", value: serviceId, expected: problem }))
}

/** A 0x address of 40 hex digits, lower-cased. */
export const checkAddress = (field: string, value: string): Effect.Effect<string, InvalidRegistryArgument> =>
  /^0x[0-9a-fA-F]{40}$/.test(value)
    ? Effect.succeed(value.toLowerCase())
    : Effect.fail(new InvalidRegistryArgument({ field, value, expected: "a 0x address of 40 hex digits" }))

const MAX_UINT64 = 2n ** 64n - 1n

/** An epoch the contract can store (uint64). Whether it is new enough is the contract's call. */
export const checkEpoch = (epoch: bigint): Effect.Effect<bigint, InvalidRegistryArgument> =>
  epoch >= 0n && epoch <= MAX_UINT64
    ? Effect.succeed(epoch)
    : Effect.fail(new InvalidRegistryArgument({ field: "epoch", value: String(epoch), expected: "an integer from 0 to 2^64-1 (the leader key's create revision)" }))

/** A claim bound within the contract's types; zero is left for the contract to refuse (InvalidClaimBound). */
export const checkClaimBound = (bound: ClaimBound): Effect.Effect<ClaimBound, InvalidRegistryArgument> => {
  for (const field of ["intervalBlocks", "maxPerBlock"] as const) {
    const value = bound[field]
    if (!Number.isInteger(value) || value < 0 || value > CLAIM_BOUND_LIMITS[field]) {
      return Effect.fail(new InvalidRegistryArgument({ field, value: String(value), expected: `an integer from 1 to ${CLAIM_BOUND_LIMITS[field]}` }))
    }
  }
  return Effect.succeed(bound)
}
