/**
 * Group commit: callers hand in items and wait; while one flush is in flight, new items
 * queue up, and the next flush takes all of them at once. Under load many callers share
 * one Kafka round trip; with a single caller nothing waits for a timer. Each caller's
 * promise settles with the flush that carried its items. A caller may withdraw its items
 * (abort its signal) while they still wait in the queue: they are then never flushed,
 * and its promise rejects with `Withdrawn`, which proves nothing of them was sent.
 */
import { Data } from "effect"

/** The items were taken back before any flush carried them: none of them was sent. */
export class Withdrawn extends Data.TaggedError("Withdrawn")<{ readonly items: number }> {
  override get message() {
    return `${this.items} item(s) were withdrawn before they were sent`
  }
}

interface Pending<T> {
  readonly items: readonly T[]
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

/** A batching writer in front of `flush`. */
export interface GroupCommit<T> {
  /**
   * Resolves once `flush` has succeeded for a batch holding all of `items`. Aborting
   * `signal` while they are still queued withdraws them (rejects with `Withdrawn`);
   * once a flush carries them, aborting changes nothing.
   */
  readonly submit: (items: readonly T[], signal?: AbortSignal) => Promise<void>
  /** Items waiting for the next flush. */
  readonly queued: () => number
}

/** Makes a group-commit writer; one flush carries at most `maxItems` items (one caller's items are never split). */
export const makeGroupCommit = <T>(flush: (items: readonly T[]) => Promise<void>, maxItems: number): GroupCommit<T> => {
  let queue: Pending<T>[] = []
  let queuedItems = 0
  let flushing = false

  const drain = async (): Promise<void> => {
    if (flushing || queue.length === 0) return
    flushing = true
    const batch: Pending<T>[] = []
    let count = 0
    while (queue.length > 0) {
      const next = queue[0] as Pending<T>
      if (batch.length > 0 && count + next.items.length > maxItems) break
      batch.push(next)
      count += next.items.length
      queue.shift()
    }
    queuedItems -= count
    try {
      await flush(batch.flatMap((p) => p.items))
      for (const p of batch) p.resolve()
    } catch (error) {
      for (const p of batch) p.reject(error)
    } finally {
      flushing = false
      void drain()
    }
  }

  return {
    submit: (items, signal) => {
      if (items.length === 0) return Promise.resolve()
      if (signal?.aborted) return Promise.reject(new Withdrawn({ items: items.length }))
      return new Promise<void>((resolve, reject) => {
        const pending: Pending<T> = { items, resolve, reject }
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
