/**
 * What a replica applies next, and the result of applying it, without I/O. The sync
 * loop fetches entries above the latest processed index (LPI), `planSync` decides
 * whether they can be applied or the log below them was trimmed (load the snapshot
 * first), and `applyEntries` runs them through the state machine in index order,
 * skipping request ids already applied.
 */
import { type Dedupe, firstIndexOf, remember } from "./dedupe.ts"
import type { LogEntry } from "./log-entry.ts"
import type { StateMachine } from "./state-machine.ts"

/** A replica's applied state: the machine's state after entries 1..index. */
export interface Applied<S> {
  readonly state: S
  /** The latest processed index (paper B's LPI). */
  readonly index: number
  readonly dedupe: Dedupe
}

/** An entry as read from etcd; `entry` is undefined when the stored value does not decode. */
export interface Fetched {
  readonly index: number
  readonly entry: LogEntry | undefined
}

/** The next sync step. */
export type SyncStep =
  /** Apply these, contiguous from LPI + 1. */
  | { readonly _tag: "apply"; readonly entries: readonly Fetched[] }
  /** Entries right above LPI are gone (trimmed): load the snapshot, then fetch again. */
  | { readonly _tag: "load-snapshot"; readonly firstAvailable: number | undefined }
  /** Up to date. */
  | { readonly _tag: "idle" }

/**
 * Decides the next step from the LPI, the known `LogSize` and the entries fetched from
 * LPI + 1 up (in index order). Only the run contiguous from LPI + 1 is applied, so an
 * entry is never applied before the one below it.
 */
export const planSync = (lpi: number, logSize: number, fetched: readonly Fetched[]): SyncStep => {
  if (lpi >= logSize) return { _tag: "idle" }
  const run: Fetched[] = []
  for (const f of fetched) {
    if (f.index <= lpi + run.length) continue
    if (f.index !== lpi + run.length + 1) break
    run.push(f)
  }
  if (run.length > 0) return { _tag: "apply", entries: run }
  return { _tag: "load-snapshot", firstAvailable: fetched.find((f) => f.index > lpi)?.index }
}

/** What applying one entry did, for answering the client that is waiting on it. */
export interface Outcome {
  readonly id: string
  readonly index: number
  /** The index the request took effect at: `index`, or an earlier one for a duplicate. */
  readonly firstIndex: number
  readonly duplicate: boolean
}

/**
 * Applies `entries` (contiguous from `current.index + 1`) in order. A request id seen
 * before (in the window or earlier in this batch) advances the LPI without changing the
 * state; an entry that did not decode does the same and has no outcome.
 */
export const applyEntries = <S>(
  machine: StateMachine<S>,
  current: Applied<S>,
  entries: readonly Fetched[],
): { readonly next: Applied<S>; readonly outcomes: readonly Outcome[] } => {
  let state = current.state
  let index = current.index
  const seen = new Map<string, number>()
  const outcomes: Outcome[] = []
  for (const f of entries) {
    if (f.index !== index + 1) break
    index = f.index
    if (f.entry === undefined) continue
    const id = f.entry.id
    const earlier = seen.get(id) ?? firstIndexOf(current.dedupe, id)
    if (earlier !== undefined) {
      outcomes.push({ id, index, firstIndex: earlier, duplicate: true })
      continue
    }
    state = machine.apply(state, f.entry.payload, index)
    seen.set(id, index)
    outcomes.push({ id, index, firstIndex: index, duplicate: false })
  }
  const dedupe = remember(current.dedupe, [...seen].map(([id, i]) => ({ id, index: i })))
  return { next: { state, index, dedupe }, outcomes }
}
