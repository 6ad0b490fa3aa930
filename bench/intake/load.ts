/**
 * The two ways the intake benches load an HTTP endpoint: closed loop (N
 * clients, each sending its next call when the last one is answered: the
 * maximum rate) and open loop (calls started on a fixed schedule whatever
 * the answers do: latency at a given rate, without coordinated omission
 * hiding a stall). The call itself is injected, so the drivers are tested
 * without a socket.
 */
import { type ProgressSink, silentSink, startProgress } from "../lib/progress.ts"
import { round } from "../lib/stats.ts"

/** How one call ended: `ok` when the server accepted every item of it. */
export interface CallOutcome {
  readonly ok: boolean
  /** HTTP status, or 0 when no answer came (refused, timed out). */
  readonly status: number
  /** Why it failed, for grouping (e.g. the error code of the body). */
  readonly detail?: string
}

/** Sends call number `index`. Must not reject: failures are outcomes. */
export type SendCall = (index: number) => Promise<CallOutcome>

/** Failed calls with the same status and detail, counted together. */
export interface CallFailures {
  readonly status: number
  readonly detail: string
  readonly count: number
}

/** What one load phase measured. */
export interface LoadResult {
  readonly calls: number
  readonly okCalls: number
  /** Items accepted (calls × items per call, for the accepted calls). */
  readonly okItems: number
  readonly failures: ReadonlyArray<CallFailures>
  readonly wallMs: number
  /** Accepted items per second of wall time. */
  readonly itemsPerSec: number
  /** Latency of each accepted call, in ms, in completion order. */
  readonly latenciesMs: ReadonlyArray<number>
  /** `[completion time from start, latency]` of each accepted call, both in ms. */
  readonly timeline: ReadonlyArray<readonly [number, number]>
}

interface Common {
  readonly calls: number
  /** Items each call carries (a batch's size); 1 when absent. */
  readonly itemsPerCall?: number | ((index: number) => number)
  readonly send: SendCall
  readonly label: string
  readonly progress?: ProgressSink
  readonly now?: () => number
}

/** Collects outcomes as calls finish. */
const recorder = (options: Common) => {
  const now = options.now ?? (() => performance.now())
  const per = options.itemsPerCall
  const items = (index: number): number => (per === undefined ? 1 : typeof per === "number" ? per : per(index))
  let total = 0
  for (let i = 0; i < options.calls; i++) total += items(i)
  const bar = startProgress({ label: options.label, total, sink: options.progress ?? silentSink })
  const start = now()
  const latencies: Array<number> = []
  const timeline: Array<readonly [number, number]> = []
  const failed = new Map<string, { status: number; detail: string; count: number }>()
  let okItems = 0
  const one = async (index: number) => {
    const sent = now()
    const outcome = await options.send(index)
    const done = now()
    if (outcome.ok) {
      okItems += items(index)
      latencies.push(round(done - sent, 2))
      timeline.push([round(done - start, 1), round(done - sent, 2)])
    } else {
      const detail = outcome.detail ?? ""
      const key = `${outcome.status} ${detail}`
      const group = failed.get(key) ?? { status: outcome.status, detail, count: 0 }
      group.count++
      failed.set(key, group)
    }
    bar.tick(items(index))
  }
  const result = (): LoadResult => {
    const wallMs = round(now() - start, 1)
    bar.finish()
    return {
      calls: options.calls,
      okCalls: latencies.length,
      okItems,
      failures: [...failed.values()].sort((a, b) => b.count - a.count),
      wallMs,
      itemsPerSec: wallMs > 0 ? round((okItems * 1000) / wallMs, 1) : 0,
      latenciesMs: latencies,
      timeline,
    }
  }
  return { one, result, now, start }
}

/** `clients` loops, each sending one call after another until `calls` have been sent. */
export const closedLoop = async (options: Common & { readonly clients: number }): Promise<LoadResult> => {
  const r = recorder(options)
  let next = 0
  const client = async () => {
    while (next < options.calls) await r.one(next++)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.clients, options.calls)) }, client))
  return r.result()
}

/** How long the open loop sleeps between looks at the schedule. */
const TICK_MS = 2

/**
 * Starts call i at `i / ratePerSec` seconds after the start, whatever is
 * still in flight, then waits for every answer.
 */
export const pacedLoad = async (
  options: Common & { readonly ratePerSec: number; readonly sleep?: (ms: number) => Promise<void> },
): Promise<LoadResult> => {
  if (!(options.ratePerSec > 0)) throw new RangeError(`pacedLoad: the rate must be > 0; got ${options.ratePerSec}`)
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)))
  const r = recorder(options)
  const inFlight: Array<Promise<void>> = []
  let sent = 0
  while (sent < options.calls) {
    const due = Math.min(options.calls, Math.floor(((r.now() - r.start) * options.ratePerSec) / 1000) + 1)
    while (sent < due) inFlight.push(r.one(sent++))
    if (sent < options.calls) await sleep(TICK_MS)
  }
  await Promise.all(inFlight)
  return r.result()
}
