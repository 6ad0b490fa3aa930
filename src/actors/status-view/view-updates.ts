/**
 * How what the status view reads from `sendto.results` reaches its store: the consumer's
 * callbacks only turn each batch into a message and send it, and one actor (the runtime's,
 * `makeScopedActor`, one per run of the view) applies the messages in the order they were
 * sent. Two kinds, in Kafka's order for each partition:
 * - `batch`: a batch's records and tombstones, in offset order (records in runs, a
 *   tombstone between runs deletes its request);
 * - `read-to`: the consumer got past the end of a batch (the end-of-batch event, which
 *   also comes for a batch of markers only). It follows that batch's `batch` message, so
 *   the position advances and is stored only after the records were applied, and
 *   `catchUp()` waits for exactly that.
 * The mailbox is bounded: while it is full, the consumer's `eachBatch` waits to send and
 * kafkajs fetches no further, instead of the view's memory growing with the topic.
 */
import { Effect, type Scope } from "effect"
import type { StatusRecord } from "../../domain/status.ts"
import { statusFromText } from "../../domain/wire.ts"
import type { ReadProgress } from "../../kafka/read-progress.ts"
import { makeScopedActor, type ScopedActor } from "../../runtime/actor.ts"
import type { StatusStore } from "../../status/store.ts"

/**
 * One step of a batch: apply a run of records (with each one's JSON as read, which the
 * store keeps as it is), or delete a request whose tombstone was read.
 */
export type ViewChange =
  | { readonly _tag: "apply"; readonly records: readonly StatusRecord[]; readonly texts: readonly string[] }
  | { readonly _tag: "remove"; readonly id: string }

/** What the consumer sends the view. */
export type ViewUpdate =
  | { readonly _tag: "batch"; readonly changes: readonly ViewChange[] }
  | { readonly _tag: "read-to"; readonly partition: number; readonly next: bigint }

/** A message of the topic as the view reads it. */
export interface TopicMessage {
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly offset: string
}

/** Messages waiting before the consumer's `eachBatch` waits (each holds one fetched batch at most). */
export const viewUpdatesCapacity = 16

/**
 * A batch's messages as changes, in offset order: records are gathered into runs, and a
 * tombstone (a null value) ends the run before it and deletes its key. The offsets of
 * messages that are not JSON are returned for the log; they change nothing. A record
 * `applied` says this host already applied, text for text, is left out unparsed
 * (see `src/status/read-back.ts`).
 */
export const changesOf = (
  messages: readonly TopicMessage[],
  applied?: (id: string, text: string) => boolean,
): { readonly changes: ViewChange[]; readonly unreadable: string[]; readonly skipped: number } => {
  const changes: ViewChange[] = []
  const unreadable: string[] = []
  let skipped = 0
  let records: StatusRecord[] = []
  let texts: string[] = []
  const endRun = () => {
    if (records.length > 0) changes.push({ _tag: "apply", records, texts })
    records = []
    texts = []
  }
  for (const m of messages) {
    if (m.value === null) {
      endRun()
      if (m.key !== null) changes.push({ _tag: "remove", id: m.key.toString() })
      continue
    }
    try {
      const text = m.value.toString()
      if (applied !== undefined && m.key !== null && applied(m.key.toString(), text)) {
        skipped++
        continue
      }
      records.push(statusFromText(text))
      texts.push(text)
    } catch {
      unreadable.push(m.offset)
    }
  }
  endRun()
  return { changes, unreadable, skipped }
}

/** What applying an update touches. */
export interface ViewTarget {
  readonly store: StatusStore
  readonly progress: ReadProgress
  /** The topic whose read positions the store keeps. */
  readonly topic: string
  /** Called with every run of records applied (the view keeps the cancel requests in memory). */
  readonly applied: (records: readonly StatusRecord[]) => void
}

/** Applies one update to the store and the read progress. */
export const applyUpdate = (target: ViewTarget, update: ViewUpdate): void => {
  if (update._tag === "read-to") {
    target.progress.advance(update.partition, update.next)
    target.store.saveReadPosition(target.topic, update.partition, target.progress.position(update.partition))
    return
  }
  for (const change of update.changes) {
    if (change._tag === "remove") {
      target.store.remove([change.id])
      continue
    }
    target.store.applyMany(change.records, change.texts)
    target.applied(change.records)
  }
}

/**
 * The actor that applies the view's updates, for one run of the view: make it in the
 * view's `init`, after the consumer (so on a stop its mailbox closes first and a waiting
 * `eachBatch` is let go), and run its loop beside the view's own. A store that throws
 * (its writer thread failed) crashes the loop, and so the view, which its supervisor
 * restarts.
 */
export const makeViewUpdates = (target: ViewTarget): Effect.Effect<ScopedActor<ViewUpdate, never, never>, never, Scope.Scope> =>
  makeScopedActor({
    id: "status-view.updates",
    capacity: viewUpdatesCapacity,
    initialState: undefined,
    handle: (_: undefined, update: ViewUpdate) => Effect.sync(() => void applyUpdate(target, update)),
  })

/**
 * Sends an update, waiting while the mailbox is full. After the view's run has ended the
 * mailbox is closed and the update is dropped: its records are read again by the next
 * run, from the last position the store kept.
 */
export const sendUpdate = (updates: ScopedActor<ViewUpdate, never, never>, update: ViewUpdate): Effect.Effect<void> =>
  Effect.catchTag(updates.ref.tell(update), "MailboxClosedError", () => Effect.void)
