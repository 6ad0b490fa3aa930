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

/**
 * Starts the ticks and declares `gateway_event_loop_delay_seconds` in `metrics`.
 * The timer never keeps the process alive; the returned function stops it.
 */
export const monitorEventLoopDelay = (metrics: MetricsRegistry, now: () => number = () => performance.now()): (() => void) => {
  const delay = metrics.histogram(
    "gateway_event_loop_delay_seconds",
    `How late the event loop ran a timer asked for every ${tickMs} ms; every actor of the host waits this long too.`,
    delayBuckets,
  )
  let dueAt = now() + tickMs
  const timer = setInterval(() => {
    const ranAt = now()
    delay.observe(lateness(dueAt, ranAt))
    dueAt = ranAt + tickMs
  }, tickMs)
  timer.unref?.()
  return () => clearInterval(timer)
}
