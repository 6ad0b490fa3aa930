/**
 * Group commit: callers hand in items and wait; while one flush is in flight, new items
 * queue up, and the next flush takes all of them at once. Under load many callers share
 * one Kafka round trip; with a single caller nothing waits for a timer. Each caller's
 * promise settles with the flush that carried its items, and resolves with what that
 * flush returned (a transactional writer hands every caller the proof of its commit).
 * A caller may withdraw its items (abort its signal) while they still wait in the
 * queue: they are then never flushed, and its promise rejects with `Withdrawn`, which
 * proves nothing of them was sent.
 */
import { Data } from "effect"

/** The items were taken back before any flush carried them: none of them was sent. */
export class Withdrawn extends Data.TaggedError("Withdrawn")<{ readonly items: number }> {
  override get message() {
    return `${this.items} item(s) were withdrawn before they were sent`
  }
}

interface Pending<T, R> {
  readonly items: readonly T[]
  readonly weight: number
  readonly resolve: (result: R) => void
  readonly reject: (error: unknown) => void
}

/** A batching writer in front of `flush`. */
export interface GroupCommit<T, R = void> {
  /**
   * Resolves, with the flush's result, once `flush` has succeeded for a batch holding all
   * of `items`. Aborting `signal` while they are still queued withdraws them (rejects
   * with `Withdrawn`); once a flush carries them, aborting changes nothing.
   */
  readonly submit: (items: readonly T[], signal?: AbortSignal) => Promise<R>
  /** Items waiting for the next flush. */
  readonly queued: () => number
}

/** What a flush's size is counted in: items by default, or bytes when a flush is bounded by a request size. */
export type ItemWeight<T> = (item: T) => number

const countOne = (): number => 1

/**
 * Makes a group-commit writer; one flush carries at most `maxWeight` (items, or whatever
 * `weight` counts), and one caller's items are never split: a caller heavier than
 * `maxWeight` is flushed alone. An empty `submit` flushes nothing and resolves with
 * `emptyResult` (callers whose flush returns a value must pass one).
 */
export const makeGroupCommit = <T, R = void>(
  flush: (items: readonly T[]) => Promise<R>,
  maxWeight: number,
  weight: ItemWeight<T> = countOne,
  emptyResult?: R,
): GroupCommit<T, R> => {
  const queue: Pending<T, R>[] = []
  let queuedItems = 0
  let flushing = false

  const drain = async (): Promise<void> => {
    if (flushing || queue.length === 0) return
    flushing = true
    const batch: Pending<T, R>[] = []
    let carried = 0
    while (queue.length > 0) {
      const next = queue[0] as Pending<T, R>
      if (batch.length > 0 && carried + next.weight > maxWeight) break
      batch.push(next)
      carried += next.weight
      queue.shift()
    }
    queuedItems -= batch.reduce((n, p) => n + p.items.length, 0)
    try {
      const result = await flush(batch.flatMap((p) => p.items))
      for (const p of batch) p.resolve(result)
    } catch (error) {
      for (const p of batch) p.reject(error)
    } finally {
      flushing = false
      void drain()
    }
  }

  return {
    submit: (items, signal) => {
      if (items.length === 0) return Promise.resolve(emptyResult as R)
      if (signal?.aborted) return Promise.reject(new Withdrawn({ items: items.length }))
      return new Promise<R>((resolve, reject) => {
        const pending: Pending<T, R> = { items, weight: items.reduce((w, item) => w + weight(item), 0), resolve, reject }
        const withdraw = () => {
          const at = queue.indexOf(pending)
          if (at < 0) return
          queue.splice(at, 1)
          queuedItems -= items.length
          reject(new Withdrawn({ items: items.length }))
        }
        signal?.addEventListener("abort", withdraw, { once: true })
        queue.push(pending)
        queuedItems += items.length
        void drain()
      })
    },
    queued: () => queuedItems,
  }
}
