/**
 * Writes first on the host's CPU, not only at the node. The node-throttlers already
 * give the executor's writes priority for each node's permits; but a host that serves a
 * read storm from its cache spends its CPU on HTTP and JSON, and the executor, which
 * signs every transfer in JavaScript, is CPU-bound during a drain. Measured on the reads
 * bench (2 cores, 200 clients, 5,000 transfers, one node): reads unlimited at ~9,400/s
 * cut the drain to 0.51x of the same burst alone; reads held to 1,000/s for the whole
 * storm, to 0.77x; to 300/s, 1.04x.
 *
 * So while this host's executors hold requests not yet sent, or its intake takes
 * transfers (or either did within the last `holdMs`, which bridges the gaps between
 * Kafka fetches and the wait for the first of them), client reads are spaced to at
 * most `ratePerS` a second. A read over that rate waits for its slot; one whose slot is
 * more than `maxWaitMs` away is refused (503 with Retry-After), so a storm of clients
 * waits in their own loops instead of in this host's memory. With no write held, reads
 * go at once. Pure, with the clock passed in, so the spacing is tested without one.
 */

/** How the gate is set. `ratePerS` 0 turns it off: reads never wait for writes. */
export interface ReadGateSettings {
  readonly ratePerS: number
  readonly maxWaitMs: number
  readonly holdMs: number
}

/** What one read is told: go now, go after `waitMs`, or come back later. */
export type Admission = { readonly _tag: "go"; readonly waitMs: number; readonly draining: boolean } | { readonly _tag: "refused"; readonly retryAfterMs: number }

/** The gate: `admit` is called once per client read request, before any work is done for it. */
export interface ReadGate {
  readonly admit: (now: number) => Admission
  /** Writes are on their way (this host's intake took transfers): reads yield from now, for `holdMs` at least. */
  readonly writesComing: (now: number) => void
}

const goNow: Admission = { _tag: "go", waitMs: 0, draining: false }

/** Builds the gate over `writesHeld`, the requests this host's executors hold now. */
export const makeReadGate = (settings: ReadGateSettings, writesHeld: () => number): ReadGate => {
  let busyUntil = Number.NEGATIVE_INFINITY
  let lastSlot = Number.NEGATIVE_INFINITY
  const interval = settings.ratePerS > 0 ? 1000 / settings.ratePerS : 0
  return {
    admit: (now) => {
      if (interval === 0) return goNow
      if (writesHeld() > 0) busyUntil = now + settings.holdMs
      if (now >= busyUntil) {
        lastSlot = Number.NEGATIVE_INFINITY
        return goNow
      }
      const at = Math.max(now, lastSlot + interval)
      if (at - now > settings.maxWaitMs) return { _tag: "refused", retryAfterMs: at - now }
      lastSlot = at
      return { _tag: "go", waitMs: at - now, draining: true }
    },
    writesComing: (now) => {
      busyUntil = Math.max(busyUntil, now + settings.holdMs)
    },
  }
}
