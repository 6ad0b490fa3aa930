/**
 * The "node driven directly" reference: N workers, each sending K calls
 * straight to one node with nothing in between, so the gateway's drain rate
 * and error counts can be set against what the node does on its own. Also
 * the ladder that finds the node's best concurrency, the reference the
 * brief's drain-rate target is measured against.
 */
import { Effect, Result } from "effect"
import type { NodeOverloaded, NodeRejected, NodeUnreachable } from "../../src/adapters/errors.ts"
import { type ProgressSink, silentSink, startProgress } from "./progress.ts"
import type { JsonValue } from "./results.ts"
import { ratePerSecond, round, type Summary, summarize } from "./stats.ts"

/** The node errors a direct call can end in (the adapters' tags). */
export type NodeCallError = NodeOverloaded | NodeUnreachable | NodeRejected

/** Which worker is calling, and its how-many-th call; lets a call pick a sender or a key. */
export interface CallSlot {
  readonly worker: number
  readonly index: number
}

/** One call to the node, as an adapter effect. */
export type NodeCall = (slot: CallSlot) => Effect.Effect<unknown, NodeCallError>

/** How a failed call ended: a node error tag, or `Defect` when the call itself threw. */
export type FailureTag = NodeCallError["_tag"] | "Defect"

/** Failures with the same tag and message, counted together. */
export interface FailureGroup {
  readonly tag: FailureTag
  readonly detail: string
  readonly count: number
}

/** What one direct run measured. */
export interface DirectRunResult {
  readonly concurrency: number
  readonly callsPerWorker: number
  readonly attempted: number
  readonly succeeded: number
  readonly failed: number
  /** Largest groups first. */
  readonly failures: ReadonlyArray<FailureGroup>
  readonly wallMs: number
  /** Successful calls per second of wall time. */
  readonly ratePerSec: number
  /** Latency of the successful calls, in ms; null when none succeeded. */
  readonly latencyMs: Summary | null
  /** The most calls that were in flight at once, as seen by the driver. */
  readonly peakInFlight: number
  /** When each successful call completed, in ms from the start (for a rate-over-time chart). */
  readonly completionsMs: ReadonlyArray<number>
}

/** One direct run's settings. */
export interface DirectRunOptions {
  readonly concurrency: number
  readonly callsPerWorker: number
  readonly call: NodeCall
  /** Progress label, e.g. `bitcoin c=4`. */
  readonly label?: string
  readonly progress?: ProgressSink
  /** Milliseconds clock; injected by tests. */
  readonly now?: () => number
}

const DETAIL_LIMIT = 160

type Outcome = { readonly ok: true } | { readonly ok: false; readonly tag: FailureTag; readonly detail: string }

/** Runs one call and folds every way it can end into an outcome; never rejects. */
const attempt = (call: NodeCall, slot: CallSlot): Promise<Outcome> => {
  let effect: Effect.Effect<unknown, NodeCallError>
  try {
    effect = call(slot)
  } catch (error) {
    return Promise.resolve({ ok: false, tag: "Defect", detail: error instanceof Error ? error.message : String(error) })
  }
  return Effect.runPromise(Effect.result(effect)).then(
    (result): Outcome => (Result.isSuccess(result) ? { ok: true } : { ok: false, tag: result.failure._tag, detail: result.failure.detail }),
    (error: unknown): Outcome => ({ ok: false, tag: "Defect", detail: error instanceof Error ? error.message : String(error) }),
  )
}

/**
 * Counts failures by tag and message (whitespace collapsed, long messages
 * cut), largest groups first, ties in tag then message order.
 */
export const groupFailures = (failures: ReadonlyArray<{ readonly tag: FailureTag; readonly detail: string }>): ReadonlyArray<FailureGroup> => {
  const counts = new Map<string, { tag: FailureTag; detail: string; count: number }>()
  for (const f of failures) {
    const flat = f.detail.replace(/\s+/g, " ").trim()
    const detail = flat.length > DETAIL_LIMIT ? `${flat.slice(0, DETAIL_LIMIT)}...` : flat
    const key = `${f.tag}\u0000${detail}`
    const group = counts.get(key) ?? { tag: f.tag, detail, count: 0 }
    group.count++
    counts.set(key, group)
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag) || a.detail.localeCompare(b.detail))
}

/** Sends `concurrency × callsPerWorker` calls, `concurrency` at a time, and measures them. */
export const driveNode = async (options: DirectRunOptions): Promise<DirectRunResult> => {
  const now = options.now ?? (() => performance.now())
  const total = options.concurrency * options.callsPerWorker
  const bar = startProgress({ label: options.label ?? `c=${options.concurrency}`, total, sink: options.progress ?? silentSink })
  const latencies: Array<number> = []
  const completions: Array<number> = []
  const failures: Array<{ tag: FailureTag; detail: string }> = []
  let inFlight = 0
  let peak = 0
  const start = now()
  const worker = async (w: number) => {
    for (let index = 0; index < options.callsPerWorker; index++) {
      inFlight++
      peak = Math.max(peak, inFlight)
      const sent = now()
      const outcome = await attempt(options.call, { worker: w, index })
      const done = now()
      inFlight--
      if (outcome.ok) {
        latencies.push(done - sent)
        completions.push(done - start)
      } else failures.push({ tag: outcome.tag, detail: outcome.detail })
      bar.tick()
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)))
  // Rounded once, and the rate derived from the rounded figure, so the stored numbers agree.
  const wallMs = round(now() - start, 1)
  bar.finish()
  return {
    concurrency: options.concurrency,
    callsPerWorker: options.callsPerWorker,
    attempted: total,
    succeeded: latencies.length,
    failed: failures.length,
    failures: groupFailures(failures),
    wallMs,
    ratePerSec: round(ratePerSecond(latencies.length, wallMs), 1),
    latencyMs: summarize(latencies.map((ms) => round(ms, 2))),
    peakInFlight: peak,
    completionsMs: completions.map((ms) => round(ms, 1)),
  }
}

/**
 * The step to use as the reference: the fastest one that had no failures
 * (the gateway is held to zero node errors, so its reference is too), or
 * the fastest one overall when every step failed somewhere. Ties go to the
 * lower concurrency, which asks less of the node.
 */
export const pickBest = (steps: ReadonlyArray<DirectRunResult>): DirectRunResult | undefined => {
  const clean = steps.filter((s) => s.failed === 0)
  const pool = clean.length > 0 ? clean : steps
  return pool.reduce<DirectRunResult | undefined>(
    (best, s) => (best === undefined || s.ratePerSec > best.ratePerSec || (s.ratePerSec === best.ratePerSec && s.concurrency < best.concurrency) ? s : best),
    undefined,
  )
}

/** Settings of a concurrency ladder. */
export interface LadderOptions {
  /** Concurrencies to try, in order, e.g. 1, 2, 4, 8, 16. */
  readonly ladder: ReadonlyArray<number>
  /** About this many calls per step, rounded up to a whole number per worker. */
  readonly callsPerStep: number
  readonly call: NodeCall
  /** Progress label prefix, e.g. `bitcoin`. */
  readonly label?: string
  readonly progress?: ProgressSink
  /** Called between steps (e.g. to let the node settle); not timed. */
  readonly betweenSteps?: () => Promise<void>
}

/** Every step of a ladder and the one chosen by `pickBest`. */
export interface LadderResult {
  readonly steps: ReadonlyArray<DirectRunResult>
  readonly best: DirectRunResult
}

/** Runs each concurrency of the ladder briefly, one after another, and picks the best. */
export const bestConcurrency = async (options: LadderOptions): Promise<LadderResult> => {
  if (options.ladder.length === 0) throw new RangeError("bestConcurrency: the ladder is empty; give at least one concurrency, e.g. 1,2,4,8,16")
  const steps: Array<DirectRunResult> = []
  for (const [i, concurrency] of options.ladder.entries()) {
    if (i > 0 && options.betweenSteps !== undefined) await options.betweenSteps()
    steps.push(
      await driveNode({
        concurrency,
        callsPerWorker: Math.max(1, Math.ceil(options.callsPerStep / concurrency)),
        call: options.call,
        label: `${options.label ?? "node"} c=${concurrency}`,
        ...(options.progress === undefined ? {} : { progress: options.progress }),
      }),
    )
  }
  const best = pickBest(steps)
  if (best === undefined) throw new RangeError("bestConcurrency: no step ran")
  return { steps, best }
}

/** A step as the results store it (completion times left out: charts need only the rate), for every bench that runs the ladder. */
export const directStepJson = (s: DirectRunResult): JsonValue => ({
  concurrency: s.concurrency,
  attempted: s.attempted,
  succeeded: s.succeeded,
  failed: s.failed,
  failures: s.failures.map((f) => ({ tag: f.tag, detail: f.detail, count: f.count })),
  wallMs: s.wallMs,
  ratePerSec: s.ratePerSec,
  latencyMs: s.latencyMs === null ? null : { ...s.latencyMs, mean: round(s.latencyMs.mean, 2) },
  peakInFlight: s.peakInFlight,
})
