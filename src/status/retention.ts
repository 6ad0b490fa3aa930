/**
 * When deleting old requests is safe. The executors skip a `sendto` message whose request
 * already has a record; a message redelivered after its record was deleted (a consumer
 * group whose offsets expired and restarted from the earliest message, say) would run
 * again. So records may only go once `sendto` itself can no longer hold their messages:
 * `[status].retention_days` must be longer than the `sendto` topic's `retention.ms`.
 * Pure, so the rule is table-tested.
 */

const dayMs = 86_400_000

/** Why retention must not run with these settings, or undefined when it may. */
export const retentionRefusal = (retentionDays: number, requestsTopic: string, requestsRetentionMs: number | undefined): string | undefined => {
  if (requestsRetentionMs === undefined) return `the retention.ms of ${requestsTopic} could not be read`
  if (requestsRetentionMs < 0) return `${requestsTopic} keeps its messages for good (retention.ms -1), so a redelivered message could outlive its record`
  if (retentionDays * dayMs <= requestsRetentionMs) {
    return `${requestsTopic} keeps messages for ${(requestsRetentionMs / dayMs).toFixed(1)} days, not less than [status].retention_days (${retentionDays}); a redelivered message could outlive its record`
  }
  return undefined
}

/** The cutoff (epoch ms) before which a final record has expired. */
export const expiryCutoff = (now: number, retentionDays: number): number => now - retentionDays * dayMs
