/**
 * The requests this host's executors hold, queued or running and not yet sent to a node:
 * how busy the host's writes are right now. Each partition executor adds its `held` count
 * while it runs; the read front reads the sum to let writes go first (src/reads/read-gate.ts).
 */

/** The host's write backlog. */
export interface WriteBacklog {
  /** Counts `held` in until the returned function is called. */
  readonly add: (held: () => number) => () => void
  /** Requests held now, over every executor added. */
  readonly held: () => number
}

/** Makes an empty backlog. */
export const makeWriteBacklog = (): WriteBacklog => {
  const sources = new Set<() => number>()
  return {
    add: (held) => {
      // A wrapper of our own, so that adding the same function twice counts it twice.
      const source = () => held()
      sources.add(source)
      return () => {
        sources.delete(source)
      }
    },
    held: () => {
      let n = 0
      for (const held of sources) n += held()
      return n
    },
  }
}
