/**
 * Paper A's clients: W workers, each making K calls one after another (the
 * paper's goroutines), all workers at once. The same driver sends the
 * workload through the gateway (one POST /v1/requests per call) and straight
 * to the wallet (one sendfrom per call), so both are timed the same way.
 */
import { type ProgressSink, silentSink, startProgress } from "../lib/progress.ts"

/** Which worker is calling and its how-many-th call. */
export interface WorkerSlot {
  readonly worker: number
  readonly index: number
}

/** How one call ended; `detail` groups failures (an HTTP status and error code, a node error). */
export interface WorkerOutcome {
  readonly ok: boolean
  readonly detail?: string
}

/** One call; must not reject (failures are outcomes). */
export type WorkerCall = (slot: WorkerSlot) => Promise<WorkerOutcome>

/** Failures with the same detail, counted together. */
export interface FailureCount {
  readonly detail: string
  readonly count: number
}

/** What a workload measured. */
export interface WorkloadResult {
  readonly attempted: number
  readonly ok: number
  readonly failed: number
  /** Largest groups first. */
  readonly failures: ReadonlyArray<FailureCount>
  /** Epoch ms of the first call and of the last answer. */
  readonly startedAt: number
  readonly finishedAt: number
  /** Epoch ms at which each successful call was answered, in order. */
  readonly okAt: ReadonlyArray<number>
}

/** Counts details, largest first, ties by text. */
export const countFailures = (details: ReadonlyArray<string>): ReadonlyArray<FailureCount> => {
  const counts = new Map<string, number>()
  for (const d of details) counts.set(d, (counts.get(d) ?? 0) + 1)
  return [...counts.entries()].map(([detail, count]) => ({ detail, count })).sort((a, b) => b.count - a.count || a.detail.localeCompare(b.detail))
}

/** Runs `workers × perWorker` calls: every worker starts at once and makes its calls in turn. */
export const runWorkers = async (options: {
  readonly workers: number
  readonly perWorker: number
  readonly call: WorkerCall
  readonly label: string
  readonly progress?: ProgressSink
  readonly now?: () => number
}): Promise<WorkloadResult> => {
  const now = options.now ?? Date.now
  const bar = startProgress({ label: options.label, total: options.workers * options.perWorker, sink: options.progress ?? silentSink })
  const okAt: Array<number> = []
  const failures: Array<string> = []
  const startedAt = now()
  const worker = async (w: number) => {
    for (let index = 0; index < options.perWorker; index++) {
      const outcome = await options.call({ worker: w, index }).catch((error: unknown): WorkerOutcome => ({ ok: false, detail: `threw: ${error instanceof Error ? error.message : String(error)}` }))
      if (outcome.ok) okAt.push(now())
      else failures.push(outcome.detail ?? "failed")
      bar.tick()
    }
  }
  await Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)))
  const finishedAt = now()
  bar.finish()
  return {
    attempted: options.workers * options.perWorker,
    ok: okAt.length,
    failed: failures.length,
    failures: countFailures(failures),
    startedAt,
    finishedAt,
    okAt: okAt.sort((a, b) => a - b),
  }
}
