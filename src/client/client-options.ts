/**
 * How a failover client is made: which registry, which service, how long one attempt
 * and one whole submit may take, whether it retries, and when it claims. Defaults are
 * here, in one place; `checkClientOptions` refuses options that cannot work, with a
 * message that says what to pass instead.
 */
import { Data } from "effect"
import { CLIENT_BACKOFF, type ClientBackoff } from "./backoff.ts"

/** What `makeFailoverClient` takes. */
export interface FailoverClientOptions {
  /** The Ethereum JSON-RPC endpoint that serves the registry (`[registry].rpc_url`). */
  readonly rpcUrl: string
  /** The ServiceRegistry's address (`[registry].contract_address`). */
  readonly registryAddress: string
  /** The service to reach (`[replica].service_id`). */
  readonly serviceId: string
  /** One HTTP attempt's timeout. */
  readonly requestTimeoutMs?: number
  /** true: on no answer, re-read the registry and retry under the same request id until `deadlineMs`; false: exactly one attempt. */
  readonly retry?: boolean
  /** A whole submit's budget in retry mode. */
  readonly deadlineMs?: number
  /** Consecutive unanswered attempts at the registry's location before the client sends one claim. */
  readonly claimAfterFailures?: number
  /** The 0x private key claims are sent from; without it the client never claims. */
  readonly claimKey?: string
  /** The chain's id, for signing claims (`[chains.ethereum].chain_id`). */
  readonly chainId?: number
  /** Blocks, counting its own, before a NewLocation event counts (`[registry].confirmations`). */
  readonly confirmations?: number
  /** How often NewLocation events are polled (`[registry].poll_interval_ms`). */
  readonly pollIntervalMs?: number
  /** How long a claim waits for its confirmations. */
  readonly claimTimeoutMs?: number
  readonly backoff?: ClientBackoff
  /** 421 redirects followed in a row before backing off. */
  readonly maxRedirects?: number
  /**
   * Ask whichever replica the attempt reaches to serve it (`Gateway-Forward: leader`): a
   * follower relays it to the leader it knows instead of answering 421, so a one-shot
   * client whose registry entry is stale is still served. Off by default, which is paper
   * B's client.
   */
  readonly forwardToLeader?: boolean
  /**
   * The replica set's locations. For the retrying client: while the registry still names
   * a location that does not answer (its NewLocation waits for a block), attempts go to
   * the other members, each asked to relay to whoever leads now. For both it and the
   * one-shot client with `forwardToLeader`: the hedge below. Empty by default: then the
   * set the service's leader published in the registry is used (read at the first
   * submit, again once a minute old), and without one only the registry's location and
   * 421 hints are tried.
   */
  readonly members?: readonly string[]
  /**
   * With `members`, for the retrying client and the one-shot client with
   * `forwardToLeader`: an attempt at the registry's location still unanswered after this
   * long is also sent to a member (same request id, applied once), which relays it to
   * whoever leads, holding it through an election; the first answer wins, so a silent
   * leader costs this much rather than the attempt. Paper B's one-shot client never hedges.
   */
  readonly hedgeAfterMs?: number
}

/** The options with every default filled in. */
export type ResolvedClientOptions = Required<Omit<FailoverClientOptions, "claimKey">> & { readonly claimKey: string | undefined }

/** The defaults: a 2 s attempt, a 30 s submit, retry on, a claim after 3 unanswered attempts, anvil's chain id. */
export const CLIENT_DEFAULTS = {
  requestTimeoutMs: 2_000,
  retry: true,
  deadlineMs: 30_000,
  claimAfterFailures: 3,
  chainId: 31337,
  confirmations: 1,
  pollIntervalMs: 500,
  claimTimeoutMs: 60_000,
  backoff: CLIENT_BACKOFF,
  maxRedirects: 3,
  forwardToLeader: false,
  members: [] as readonly string[],
  hedgeAfterMs: 500,
} as const

/** Options that cannot work; `field` is the option's name. */
export class InvalidClientOptions extends Data.TaggedError("InvalidClientOptions")<{ readonly field: string; readonly expected: string; readonly found: string }> {
  override get message() {
    return `failover client option ${this.field}: expected ${this.expected}; found ${this.found}`
  }
}

const positiveInt = (v: number) => Number.isSafeInteger(v) && v >= 1

/** Whether `text` is an http:// or https:// URL, as the registry's RPC and every replica location must be. */
export const isHttpUrl = (text: string): boolean => /^https?:\/\/\S+$/.test(text)

/** Fills in the defaults and checks every option; answers the first problem found. */
export const checkClientOptions = (options: FailoverClientOptions): ResolvedClientOptions | InvalidClientOptions => {
  const resolved: ResolvedClientOptions = { ...CLIENT_DEFAULTS, ...options, claimKey: options.claimKey }
  const bad = (field: string, expected: string, found: unknown) => new InvalidClientOptions({ field, expected, found: JSON.stringify(found) ?? String(found) })
  if (!isHttpUrl(resolved.rpcUrl)) return bad("rpcUrl", "an http:// or https:// URL, e.g. http://127.0.0.1:8545", resolved.rpcUrl)
  if (!/^0x[0-9a-fA-F]{40}$/.test(resolved.registryAddress)) return bad("registryAddress", "a 0x address of 40 hex digits (gateway contracts deploy prints it)", resolved.registryAddress)
  if (resolved.serviceId === "") return bad("serviceId", "a non-empty service id, e.g. registry-dashboard", resolved.serviceId)
  for (const field of ["requestTimeoutMs", "deadlineMs", "claimAfterFailures", "chainId", "pollIntervalMs", "claimTimeoutMs", "hedgeAfterMs"] as const) {
    if (!positiveInt(resolved[field])) return bad(field, "a whole number of at least 1", resolved[field])
  }
  for (const field of ["confirmations", "maxRedirects"] as const) {
    if (!Number.isSafeInteger(resolved[field]) || resolved[field] < 0) return bad(field, "a whole number of at least 0", resolved[field])
  }
  const member = resolved.members.find((m) => !isHttpUrl(m))
  if (member !== undefined) return bad("members", "each an http:// or https:// URL of a replica, e.g. http://10.77.1.12:8090", member)
  if (resolved.claimKey !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(resolved.claimKey)) {
    return bad("claimKey", "a 0x-prefixed 32-byte hex private key", "(a value that is not one; not shown)")
  }
  return resolved
}
