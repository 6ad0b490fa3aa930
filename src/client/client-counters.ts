/**
 * What a failover client has done, counted for the bench and the CLI: attempts, 421
 * redirects followed, registry re-reads, moves learnt from NewLocation events, claims
 * and what became of them, and submit outcomes by kind.
 */

/** A snapshot of the counters. */
export interface ClientCounters {
  readonly submits: number
  readonly applied: number
  /** Applied answers that said the request id had been applied already (a lost answer retried). */
  readonly duplicates: number
  readonly failed: number
  readonly attempts: number
  readonly redirects: number
  /** Attempts also sent to a member because the registry's location was silent past the hedge delay. */
  readonly hedges: number
  /** Waits between attempts (retry mode). */
  readonly retries: number
  readonly rereads: number
  readonly moves: number
  readonly claims: number
  readonly claimsConfirmed: number
  readonly claimsRefused: number
  readonly claimsFailed: number
}

/** All zero. */
export const ZERO_COUNTERS: ClientCounters = {
  submits: 0,
  applied: 0,
  duplicates: 0,
  failed: 0,
  attempts: 0,
  redirects: 0,
  hedges: 0,
  retries: 0,
  rereads: 0,
  moves: 0,
  claims: 0,
  claimsConfirmed: 0,
  claimsRefused: 0,
  claimsFailed: 0,
}

/** A counter name, for `bump`. */
export type CounterName = Exclude<keyof ClientCounters, "rereads" | "moves">

/** Mutable counters owned by one client; `snapshot` copies them. */
export const makeCounters = () => {
  const counts: Record<CounterName, number> = { ...ZERO_COUNTERS }
  return {
    bump: (name: CounterName, by = 1) => {
      counts[name] += by
    },
    snapshot: (tracked: { readonly reads: number; readonly moves: number }): ClientCounters => ({ ...counts, rereads: tracked.reads, moves: tracked.moves }),
  }
}
