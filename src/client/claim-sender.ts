/**
 * Files one claim (`sendClaim`) that the service did not answer at a location, and
 * answers what became of it without ever failing: the contract's own bounds
 * (ClaimTooSoon, ClaimLimitReached) and a claim that came too late (ClaimForOldLocation:
 * the service already moved) are expected and reported quietly as `Refused`.
 */
import { Effect } from "effect"
import type { EthereumAccount } from "../adapters/ethereum.ts"
import { type Registry, type RegistryError, sendClaim } from "../registry/index.ts"

/** Contract refusals a client expects and shrugs off. */
const QUIET: ReadonlyArray<RegistryError["_tag"]> = ["ClaimTooSoon", "ClaimLimitReached", "ClaimForOldLocation"]

/** What one claim came to. */
export type ClaimOutcome =
  | { readonly _tag: "Claimed"; readonly location: string; readonly txHash: string; readonly blockNumber: number; readonly claimant: string }
  | { readonly _tag: "Refused"; readonly location: string; readonly reason: "ClaimTooSoon" | "ClaimLimitReached" | "ClaimForOldLocation"; readonly detail: string }
  | { readonly _tag: "Failed"; readonly location: string; readonly cause: string; readonly detail: string }

const isQuiet = (tag: string): tag is "ClaimTooSoon" | "ClaimLimitReached" | "ClaimForOldLocation" => (QUIET as ReadonlyArray<string>).includes(tag)

/** Claims, from `account`, that `serviceId` does not answer at `location`; waits for the registry's confirmations. */
export const fileClaim = async (registry: Registry, account: EthereumAccount, serviceId: string, location: string): Promise<ClaimOutcome> => {
  const result = await Effect.runPromise(Effect.result(sendClaim(registry, account, serviceId, location)))
  if (result._tag === "Success") {
    return { _tag: "Claimed", location, txHash: result.success.hash, blockNumber: result.success.blockNumber, claimant: result.success.event.claimant }
  }
  const error = result.failure
  return isQuiet(error._tag)
    ? { _tag: "Refused", location, reason: error._tag, detail: error.message }
    : { _tag: "Failed", location, cause: error._tag, detail: error.message }
}
