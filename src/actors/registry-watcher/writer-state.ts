/**
 * The location writer's decisions as a pure state machine over its messages, so they are
 * tested without a chain or a replica. The writer hears leadership news (the epoch this
 * host's replica now serves at as leader, or none) and the end of a wait after a failed
 * write; it writes each epoch it leads at once, retries a failed write after a backoff
 * for as long as that epoch still leads, and never writes an epoch again once a write of
 * it settled (written, already there, or stale).
 */
import type { WriteOutcomeLabel } from "./events.ts"

/** What the writer hears. */
export type WriterMsg =
  /** Leadership news: the epoch the replica serves at as leader now, or undefined when it does not lead. */
  | { readonly _tag: "serving"; readonly epoch: number | undefined }
  /** The wait after a failed write of `epoch` is over. */
  | { readonly _tag: "retry"; readonly epoch: number }

/** What the writer remembers. */
export interface WriterState {
  /** The epoch the replica serves at, as last heard. */
  readonly serving: number | undefined
  /** The last epoch whose write settled: it is not written again. */
  readonly settled: number | undefined
  /** Failed writes of the serving epoch so far, while a retry of it is due. */
  readonly failing: { readonly epoch: number; readonly failures: number } | undefined
}

/** Before any news. */
export const initialWriter: WriterState = { serving: undefined, settled: undefined, failing: undefined }

/** The state after `msg`, and the epoch to write now, if any. */
export const onWriterMsg = (state: WriterState, msg: WriterMsg): { readonly state: WriterState; readonly write: number | undefined } => {
  if (msg._tag === "retry") {
    const due = msg.epoch === state.serving && state.failing?.epoch === msg.epoch && msg.epoch !== state.settled
    return { state, write: due ? msg.epoch : undefined }
  }
  // News of another epoch (or of none) ends the retries of the one before.
  const failing = state.failing?.epoch === msg.epoch ? state.failing : undefined
  const next = { ...state, serving: msg.epoch, failing }
  const write = msg.epoch !== undefined && msg.epoch !== state.settled && failing === undefined ? msg.epoch : undefined
  return { state: next, write }
}

/**
 * The state after a write of `epoch` ended with `outcome`; when it failed, how long to
 * wait before retrying, from the count of failures of that epoch (`retryDelayMs`).
 */
export const afterWrite = (
  state: WriterState,
  epoch: number,
  outcome: WriteOutcomeLabel,
  retryDelayMs: (failures: number) => number,
): { readonly state: WriterState; readonly retryInMs: number | undefined } => {
  if (outcome !== "failed") return { state: { ...state, settled: epoch, failing: undefined }, retryInMs: undefined }
  const failures = (state.failing?.epoch === epoch ? state.failing.failures : 0) + 1
  return { state: { ...state, failing: { epoch, failures } }, retryInMs: retryDelayMs(failures) }
}
