/**
 * How late the process's event loop runs, on `/metrics`: a timer asks to run every
 * `tickMs`, and each tick records how much later than asked it ran. Every actor of a host
 * shares the one JavaScript thread, so a late loop delays every node call, commit and
 * HTTP answer at once. In a `gateway bench drain` on the 2-core stack (7 December) the
 * ticks ran up to 85 ms late in the burst's first seconds while the thread itself was busy
 * only 40-77% of the time: the brokers and the node held the cores, and every broadcast
 * waited 35-390 ms for an answer anvil gives in about 1 ms. This is the figure that tells
 * "the node is slow" from "this host is short of CPU".
 */
import type { MetricsRegistry } from "./metrics.ts"

/** How often the loop is asked to run a tick, in ms. */
export const tickMs = 20

/** Bucket bounds in seconds, from 1 ms (ordinary jitter) to 1 s (a stalled host). */
export const delayBuckets: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]

/** How late (seconds, never negative) a tick due at `dueAt` ran at `ranAt` (both ms). */
export const lateness = (dueAt: number, ranAt: number): number => Math.max(0, ranAt - dueAt) / 1000

/** The loop's delay over its last `recentWindowMs`, for a page that shows it beside node latencies. */
export interface RecentLoopDelay {
  readonly p99Ms: number
  readonly maxMs: number
  /** Ticks in the window (fewer than the window holds when the loop ran late, or the process just started). */
  readonly ticks: number
  readonly windowMs: number
}

/** The running monitor. */
export interface LoopDelayMonitor {
  readonly recent: () => RecentLoopDelay
  readonly stop: () => void
}

/** How far back `recent()` looks. */
export const recentWindowMs = 10_000

/** The p99 and max of `delaysMs` (any order); zeros for none. */
export const summarize = (delaysMs: readonly number[]): { readonly p99Ms: number; readonly maxMs: number } => {
  if (delaysMs.length === 0) return { p99Ms: 0, maxMs: 0 }
  const sorted = [...delaysMs].sort((a, b) => a - b)
  const at = Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)
  return { p99Ms: sorted[at] as number, maxMs: sorted.at(-1) as number }
}

/**
 * Starts the ticks and declares `gateway_event_loop_delay_seconds` in `metrics`.
 * The timer never keeps the process alive.
 */
export const monitorEventLoopDelay = (metrics: MetricsRegistry, now: () => number = () => performance.now()): LoopDelayMonitor => {
  const delay = metrics.histogram(
    "gateway_event_loop_delay_seconds",
    `How late the event loop ran a timer asked for every ${tickMs} ms; every actor of the host waits this long too.`,
    delayBuckets,
  )
  // The last window's ticks: when each ran, and how late (ms).
  const ranAts: number[] = []
  const lates: number[] = []
  let dueAt = now() + tickMs
  const timer = setInterval(() => {
    const ranAt = now()
    const late = lateness(dueAt, ranAt)
    delay.observe(late)
    ranAts.push(ranAt)
    lates.push(late * 1000)
    while (ranAts.length > 0 && (ranAts[0] as number) < ranAt - recentWindowMs) {
      ranAts.shift()
      lates.shift()
    }
    dueAt = ranAt + tickMs
  }, tickMs)
  timer.unref?.()
  return {
    recent: () => ({ ...summarize(lates), ticks: lates.length, windowMs: recentWindowMs }),
    stop: () => clearInterval(timer),
  }
}
