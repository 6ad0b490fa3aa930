/**
 * A resource used by one call at a time and replaced after any call that failed: the
 * failed call's resource is retired and a new one opened before the next call runs. For
 * clients whose state may be wrong after a failure and cannot be checked, only thrown
 * away: kafkajs's idempotent producer rewinds its sequence numbers after a failed send,
 * also for records the broker wrote (see src/adapters/kafka.ts, connectSendtoProducer).
 *
 * Calls never overlap: each starts after every earlier call settled, in call order. When
 * the new resource cannot be opened, the next call tries to open one again before it
 * runs, and rejects with the opening's error if that fails too.
 */
import { Data } from "effect"

/** The resource was closed; nothing ran. */
export class RenewableClosed extends Data.TaggedError("RenewableClosed")<{}> {
  override get message() {
    return "the resource is closed"
  }
}

/** See the module comment. */
export interface RenewOnFailure<R> {
  /**
   * Runs `use` on the current resource once every earlier call settled, and settles as it
   * does. If `use` rejects, the resource is retired and a new one is opened for the next
   * call. Rejects with `RenewableClosed` after `close`.
   */
  readonly run: <A>(use: (resource: R) => Promise<A>) => Promise<A>
  /** How many resources were replaced after a failed call. */
  readonly renewals: () => number
  /** Retires the current resource (waiting for one being opened), also under a call still running on it; later calls reject. */
  readonly close: () => Promise<void>
}

/** Starts with `first`; `open` makes the next resource, `retire` disposes of one (its failures are ignored). */
export const makeRenewOnFailure = <R extends object>(first: R, open: () => Promise<R>, retire: (resource: R) => Promise<void>): RenewOnFailure<R> => {
  let current: Promise<R> = Promise.resolve(first)
  let tail: Promise<void> = Promise.resolve()
  let closed = false
  let renewals = 0

  const opening = (): Promise<R> => {
    const next = open()
    // Awaited by the next call; until then a failed opening must not count as unhandled.
    next.catch(() => undefined)
    return next
  }
  const dispose = (resource: R) => void retire(resource).catch(() => undefined)

  const attempt = async <A>(use: (resource: R) => Promise<A>): Promise<A> => {
    if (closed) throw new RenewableClosed()
    const resource = await current.catch(() => {
      current = opening()
      return current
    })
    try {
      return await use(resource)
    } catch (cause) {
      if (!closed) {
        renewals += 1
        current = opening()
        dispose(resource)
      }
      throw cause
    }
  }

  return {
    run: (use) => {
      const result = tail.then(() => attempt(use))
      tail = result.then(
        () => undefined,
        () => undefined,
      )
      return result
    },
    renewals: () => renewals,
    close: async () => {
      if (closed) return
      closed = true
      const resource = await current.catch(() => undefined)
      if (resource !== undefined) await retire(resource).catch(() => undefined)
    },
  }
}
