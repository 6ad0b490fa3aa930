/**
 * The life of a fenced writer as a pure state machine, so that "once fenced, every call
 * fails at once" and "after an ambiguous commit or a refused record, nothing is written
 * until the owner opens again" are decided in one place and tested without Kafka.
 *
 *   new ──opened──▶ open ──WriterMustReopen──▶ must-reopen ──opened──▶ open
 *                    │                          │
 *                    └──WriterFenced──▶ fenced ◀┘          (any) ──closed──▶ closed
 *
 * `fenced` ends the writer: a newer owner holds the partition. `must-reopen` never reopens
 * by itself: re-initialising the transactional id would fence whoever owns it now, so
 * only the owner, who then rebuilds its state from the records, may call `open()`.
 */
import { Data } from "effect"
import { WriterMustReopen, WriterFenced } from "../adapters/kafka-transaction-errors.ts"

/** The writer was used before `open()` or after `close()`: a bug in its caller. */
export class WriterNotOpen extends Data.TaggedError("WriterNotOpen")<{
  readonly transactionalId: string
  readonly phase: "new" | "closed"
}> {
  override get message() {
    return this.phase === "new"
      ? `the writer of ${this.transactionalId} was used before open(); open it (which fences earlier owners) first`
      : `the writer of ${this.transactionalId} is closed; make a new one`
  }
}

/** Where a writer is in its life. */
export type WriterState =
  | { readonly phase: "new" }
  | { readonly phase: "open" }
  | { readonly phase: "must-reopen"; readonly error: WriterMustReopen }
  | { readonly phase: "fenced"; readonly error: WriterFenced }
  | { readonly phase: "closed" }

/** What happens to a writer. */
export type WriterEvent = { readonly type: "opened" } | { readonly type: "failed"; readonly error: unknown } | { readonly type: "closed" }

/** The initial state. */
export const newWriter: WriterState = { phase: "new" }

/** The next state. Fenced and closed are final (only `closed` leaves fenced). */
export const transition = (state: WriterState, event: WriterEvent): WriterState => {
  if (state.phase === "closed") return state
  if (event.type === "closed") return { phase: "closed" }
  if (state.phase === "fenced") return state
  if (event.type === "opened") return { phase: "open" }
  if (event.error instanceof WriterFenced) return { phase: "fenced", error: event.error }
  if (event.error instanceof WriterMustReopen) return { phase: "must-reopen", error: event.error }
  return state
}

/** Why a commit must be refused now, or undefined when it may run. */
export const commitRefusal = (state: WriterState, transactionalId: string): WriterFenced | WriterMustReopen | WriterNotOpen | undefined => {
  switch (state.phase) {
    case "open":
      return undefined
    case "must-reopen":
    case "fenced":
      return state.error
    case "new":
    case "closed":
      return new WriterNotOpen({ transactionalId, phase: state.phase })
  }
}

/** Why `open()` must be refused now, or undefined when it may (re)initialise the producer. */
export const openRefusal = (state: WriterState, transactionalId: string): WriterFenced | WriterNotOpen | undefined =>
  state.phase === "fenced" ? state.error : state.phase === "closed" ? new WriterNotOpen({ transactionalId, phase: "closed" }) : undefined
