import { describe, expect, test } from "bun:test"
import { Effect, Exit, Fiber } from "effect"
import { makeMailbox, MailboxClosedError } from "./mailbox.ts"

const settle = Effect.gen(function*() {
  for (let i = 0; i < 10; i++) yield* Effect.yieldNow
})

describe("mailbox", () => {
  test("send suspends while full and resumes after a take", () =>
    Effect.runPromise(Effect.gen(function*() {
      const mailbox = yield* makeMailbox<number>(2)
      yield* mailbox.send(1)
      yield* mailbox.send(2)
      const sender = yield* Effect.forkChild(mailbox.send(3))
      yield* settle
      expect(sender.pollUnsafe()).toBeUndefined()
      expect(yield* mailbox.size).toBe(2)

      expect(yield* mailbox.take).toBe(1)
      yield* Fiber.join(sender)
      expect(yield* mailbox.size).toBe(2)
      expect([yield* mailbox.take, yield* mailbox.take]).toEqual([2, 3])
    })))

  test("trySend returns false when full, without waiting", () =>
    Effect.runPromise(Effect.gen(function*() {
      const mailbox = yield* makeMailbox<string>(1)
      expect(yield* mailbox.trySend("a")).toBe(true)
      expect(yield* mailbox.trySend("b")).toBe(false)
      expect(yield* mailbox.size).toBe(1)
      expect(yield* mailbox.take).toBe("a")
      expect(yield* mailbox.trySend("c")).toBe(true)
    })))

  test("take suspends while empty", () =>
    Effect.runPromise(Effect.gen(function*() {
      const mailbox = yield* makeMailbox<string>(1)
      const taker = yield* Effect.forkChild(mailbox.take)
      yield* settle
      expect(taker.pollUnsafe()).toBeUndefined()
      yield* mailbox.send("x")
      expect(yield* Fiber.join(taker)).toBe("x")
    })))

  test("shutdown fails waiting senders, takers and later calls", () =>
    Effect.runPromise(Effect.gen(function*() {
      const mailbox = yield* makeMailbox<number>(1)
      yield* mailbox.send(1)
      const sender = yield* Effect.forkChild(mailbox.send(2))
      yield* settle
      yield* mailbox.shutdown
      yield* mailbox.shutdown
      const sent = yield* Fiber.await(sender)
      expect(Exit.isFailure(sent)).toBe(true)
      const errors = yield* Effect.all([
        Effect.flip(mailbox.take),
        Effect.flip(mailbox.send(3)),
        Effect.flip(mailbox.trySend(4))
      ])
      for (const error of errors) expect(error).toBeInstanceOf(MailboxClosedError)
    })))

  test("rejects a capacity below one", () =>
    Effect.runPromise(Effect.gen(function*() {
      const exit = yield* Effect.exit(makeMailbox<number>(0))
      expect(Exit.isFailure(exit)).toBe(true)
    })))
})
