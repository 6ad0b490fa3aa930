/**
 * How long the failover client waits between two attempts that found no serving leader:
 * capped exponential, with the defaults in one named constant. A failover in paper B
 * takes about one etcd lease TTL plus a block, so the cap keeps a waiting client asking
 * often enough to catch the new leader within a second or two of it being announced.
 */

/** A capped exponential backoff: `baseMs`, then times `factor` per retry, never above `maxMs`. */
export interface ClientBackoff {
  readonly baseMs: number
  readonly factor: number
  readonly maxMs: number
}

/** The client's default: 100 ms, 200 ms, 400 ms, ... at most 1 s between attempts. */
export const CLIENT_BACKOFF: ClientBackoff = { baseMs: 100, factor: 2, maxMs: 1_000 }

/** The wait before retry number `retry` (1 for the first retry); 0 for retry 0 or less. */
export const backoffDelayMs = (backoff: ClientBackoff, retry: number): number =>
  retry <= 0 ? 0 : Math.min(backoff.maxMs, Math.round(backoff.baseMs * backoff.factor ** (retry - 1)))
