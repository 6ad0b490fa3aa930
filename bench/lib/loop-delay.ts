/**
 * The gateway's event-loop delay over a window of a bench, from two scrapes of its
 * `gateway_event_loop_delay_seconds` histogram (see src/observability/event-loop-delay.ts):
 * how many ticks fell in the window, how late the slowest hundredth ran, and the share
 * that ran more than 50 ms late. A late loop means the host was short of CPU, whatever
 * the node or the brokers did.
 */
import type { MetricSample } from "./gateway-under-test.ts"
import { round } from "./stats.ts"

const metric = "gateway_event_loop_delay_seconds"

/** The loop's ticks over one window. */
export interface LoopDelayWindow {
  readonly ticks: number
  /** The upper bound of the bucket holding the 99th percentile, in ms (Infinity past the last bound). */
  readonly p99Ms: number
  /** Ticks more than 50 ms late, as a share of all (0 to 1). */
  readonly lateShare: number
}

/** A p99 for a figure, in ms to a tenth: past the last bucket (Infinity) it shows as 1000. */
export const loopFigureMs = (ms: number): number => (Number.isFinite(ms) ? round(ms, 1) : 1000)

/** Cumulative bucket counts by upper bound (seconds), from one scrape. */
const buckets = (samples: ReadonlyArray<MetricSample>): Map<number, number> => {
  const out = new Map<number, number>()
  for (const s of samples) {
    if (s.name !== `${metric}_bucket`) continue
    const le = s.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(s.labels.le)
    if (!Number.isNaN(le)) out.set(le, (out.get(le) ?? 0) + s.value)
  }
  return out
}

/** The window between scrapes `before` and `after`, or undefined when the gateway had no ticks in it (an older gateway). */
export const loopDelayBetween = (before: ReadonlyArray<MetricSample>, after: ReadonlyArray<MetricSample>): LoopDelayWindow | undefined => {
  const from = buckets(before)
  const to = buckets(after)
  const bounds = [...to.keys()].sort((a, b) => a - b)
  const inWindow = bounds.map((le) => [le, (to.get(le) ?? 0) - (from.get(le) ?? 0)] as const)
  const ticks = inWindow.at(-1)?.[1] ?? 0
  if (ticks <= 0) return undefined
  const p99 = inWindow.find(([, n]) => n >= 0.99 * ticks)?.[0] ?? Number.POSITIVE_INFINITY
  const onTime = inWindow.filter(([le]) => le <= 0.05).at(-1)?.[1] ?? 0
  return { ticks, p99Ms: p99 * 1000, lateShare: (ticks - onTime) / ticks }
}
