/**
 * How long the failover client waits between two attempts that found no serving leader:
 * capped exponential. Its default is `failoverClientBackoff` in runtime/schedules.ts,
 * beside the gateway's other policies. A failover in paper B takes about one etcd lease
 * TTL plus a block, so the cap keeps a waiting client asking often enough to catch the
 * new leader within a second or two of it being announced.
 */
import { type ExponentialBackoff, exponentialDelayMs } from "../runtime/backoff.ts"
import { failoverClientBackoff } from "../runtime/schedules.ts"

/** A capped exponential backoff: `baseMs`, then times `factor` per retry, never above `maxMs`. */
export type ClientBackoff = ExponentialBackoff

/** The client's default: 100 ms, 200 ms, 400 ms, ... at most 1 s between attempts. */
export const CLIENT_BACKOFF: ClientBackoff = failoverClientBackoff

/** The wait before retry number `retry` (1 for the first retry); 0 for retry 0 or less. */
export const backoffDelayMs = (backoff: ClientBackoff, retry: number): number => (retry <= 0 ? 0 : exponentialDelayMs(backoff, retry - 1))
