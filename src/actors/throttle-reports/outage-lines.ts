/**
 * When a retrying loop should say that it keeps failing: at the first failure of an
 * outage, then again once each `everyMs` it lasts (with the failures since the last
 * line), and once when it works again; never on every try.
 */

/** What to write after a try, if anything. */
export type OutageLine =
  | { readonly _tag: "None" }
  | { readonly _tag: "Failing"; readonly failedTries: number }
  | { readonly _tag: "Resumed"; readonly failedTriesSinceLastLine: number }

/** The decisions of one loop. */
export interface OutageLines {
  readonly failed: (now: number) => OutageLine
  readonly succeeded: () => OutageLine
}

const none: OutageLine = { _tag: "None" }

/** Makes the decisions of one loop, which says it is failing at most once each `everyMs`. */
export const makeOutageLines = (everyMs: number): OutageLines => {
  let failed = 0
  /** When the last "failing" line was written; undefined while not failing. */
  let saidAt: number | undefined
  return {
    failed: (now) => {
      failed += 1
      if (saidAt !== undefined && now - saidAt < everyMs) return none
      const line: OutageLine = { _tag: "Failing", failedTries: failed }
      failed = 0
      saidAt = now
      return line
    },
    succeeded: () => {
      if (saidAt === undefined) return none
      const line: OutageLine = { _tag: "Resumed", failedTriesSinceLastLine: failed }
      failed = 0
      saidAt = undefined
      return line
    },
  }
}
