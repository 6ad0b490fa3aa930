/**
 * Two client SDKs. The intake's (paper A): `makeGatewayClient` and the request builders
 * in `./intake/`. The failover client SDK (paper B, issue 4 item 4): find the sample service through the
 * ServiceRegistry, follow NewLocation, submit numbers to the leader with retries under
 * one request id, and claim when nobody answers. `makeFailoverClient` is the entry; the
 * decision tables and the answer reader are exported for tests and the bench.
 */
export { backoffDelayMs, CLIENT_BACKOFF, type ClientBackoff } from "./backoff.ts"
export type { ClaimOutcome } from "./claim-sender.ts"
export { type ClientCounters, ZERO_COUNTERS } from "./client-counters.ts"
export { CLIENT_DEFAULTS, checkClientOptions, isHttpUrl, type FailoverClientOptions, InvalidClientOptions } from "./client-options.ts"
export { type FailoverClient, makeFailoverClient, type NoClaimKey, type NumberListing, type ReadFailed } from "./failover-client.ts"
export { confirmedThrough, foldNewLocations, type KnownLocation } from "./location-fold.ts"
export { isNoLocation, type NoLocation } from "./location-tracker.ts"
export { lookupAt, readLookup, type RequestApplied, type RequestLookup, type RequestUnknown } from "./request-lookup.ts"
export { readAnswer, type ServiceAnswer } from "./service-answer.ts"
export { describeFailure, type Rejected, type Submitted, type SubmitFailure, type SubmitResult, type Timeout, type Unreachable, type UnreachableReason } from "./submit-result.ts"
export * from "./intake/index.ts"
