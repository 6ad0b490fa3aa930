/**
 * The snapshot stored at `Snapshot/<service>`: the state machine's state after entry
 * `index`, the dedupe window at that point, the epoch of the leader that wrote it, and
 * how far the log was trimmed in the same transaction. It must fit one etcd value
 * (1.5 MiB by default), which bounds the state a service may keep.
 */
import { type Dedupe, dedupeFromJson, dedupeToJson } from "./dedupe.ts"
import type { StateMachine } from "./state-machine.ts"

/** A decoded snapshot. */
export interface Snapshot<S> {
  readonly machine: string
  readonly index: number
  readonly epoch: number
  readonly trimmedTo: number
  readonly state: S
  readonly dedupe: Dedupe
}

/** The stored form of a snapshot. */
export const encodeSnapshot = <S>(machine: StateMachine<S>, s: Omit<Snapshot<S>, "machine">): string =>
  JSON.stringify({ machine: machine.name, index: s.index, epoch: s.epoch, trimmedTo: s.trimmedTo, state: machine.encode(s.state), dedupe: dedupeToJson(s.dedupe) })

/** The snapshot in `text`, or undefined if it is not one of `machine`'s (wrong machine, bad JSON, bad state). */
export const decodeSnapshot = <S>(machine: StateMachine<S>, text: string, dedupeCapacity?: number): Snapshot<S> | undefined => {
  try {
    const v: unknown = JSON.parse(text)
    if (typeof v !== "object" || v === null) return undefined
    const o = v as Record<string, unknown>
    if (o.machine !== machine.name || typeof o.index !== "number" || typeof o.epoch !== "number" || typeof o.trimmedTo !== "number") return undefined
    const state = machine.decode(o.state)
    const dedupe = dedupeFromJson(o.dedupe, dedupeCapacity)
    if (state === undefined || dedupe === undefined) return undefined
    return { machine: machine.name, index: o.index, epoch: o.epoch, trimmedTo: o.trimmedTo, state, dedupe }
  } catch {
    return undefined
  }
}
