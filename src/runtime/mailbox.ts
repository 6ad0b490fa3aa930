/**
 * A typed, bounded mailbox: the only way messages reach an actor.
 *
 * Bounded on purpose: when an actor falls behind, `send` suspends its senders
 * (backpressure) instead of letting memory grow, and `trySend` lets a sender
 * that must not wait find out at once.
 */
import { Cause, Data, Effect, Queue } from "effect"

/** The mailbox was shut down; no message will be accepted or delivered again. */
export class MailboxClosedError extends Data.TaggedError("MailboxClosedError")<{}> {
  override get message(): string {
    return "The mailbox is shut down because its actor stopped for good; stop sending to it, or start a new actor."
  }
}

/** A bounded FIFO of messages for one consumer. */
export interface Mailbox<A> {
  readonly capacity: number
  /** Enqueues a message, suspending while the mailbox is full. */
  readonly send: (message: A) => Effect.Effect<void, MailboxClosedError>
  /** Enqueues a message if there is room; `false` when full, without waiting. */
  readonly trySend: (message: A) => Effect.Effect<boolean, MailboxClosedError>
  /** Takes the oldest message, suspending while the mailbox is empty. */
  readonly take: Effect.Effect<A, MailboxClosedError>
  /** Number of messages waiting. */
  readonly size: Effect.Effect<number>
  /** Discards waiting messages; suspended and later senders and takers fail with `MailboxClosedError`. Idempotent. */
  readonly shutdown: Effect.Effect<void>
}

/** Creates a mailbox holding at most `capacity` (a positive integer) messages. */
export const makeMailbox = <A>(capacity: number): Effect.Effect<Mailbox<A>> => {
  if (!Number.isInteger(capacity) || capacity < 1) {
    return Effect.die(new Cause.IllegalArgumentError(`Mailbox capacity must be a positive integer, got ${capacity}.`))
  }
  return Effect.map(Queue.bounded<A, MailboxClosedError>(capacity), (queue) => {
    let closed = false
    const closedError = new MailboxClosedError()
    return {
      capacity,
      send: (message) =>
        Effect.flatMap(Queue.offer(queue, message), (accepted) => (accepted ? Effect.void : Effect.fail(closedError))),
      trySend: (message) => Effect.suspend(() => (closed ? Effect.fail(closedError) : Effect.succeed(Queue.offerUnsafe(queue, message)))),
      take: Queue.take(queue),
      size: Queue.size(queue),
      shutdown: Effect.sync(() => {
        if (closed) return
        closed = true
        Queue.failCauseUnsafe(queue, Cause.fail(closedError))
        Queue.shutdownUnsafe(queue)
      })
    }
  })
}
