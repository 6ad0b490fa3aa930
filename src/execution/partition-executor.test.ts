import { describe, expect, test } from "bun:test"
import { Deferred, Effect, Fiber } from "effect"
import { makeLogger } from "../observability/log.ts"
import { makeOffsetBook } from "./offset-book.ts"
import { type FetchedMessage, makePartitionExecutor } from "./partition-executor.ts"
import type { Recorder } from "./ports.ts"

const request = (offset: number): FetchedMessage => ({
  offset: BigInt(offset),
  key: "ethereum:0xsender",
  value: JSON.stringify({
    id: `r${offset}`,
    sender: "0xsender",
    body: { chain: "ethereum", method: "transfer", params: { from: "0xsender", to: "0xto", value: "1" } },
    accepted_at: 1,
    body_hash: "h",
  }),
})
const garbage = (offset: number): FetchedMessage => ({ offset: BigInt(offset), key: "ethereum:0xsender", value: "{not json" })

describe("the partition executor's offer", () => {
  test("a batch it began to take is taken to its last message, even when its caller gives up meanwhile (a dead letter's commit was slow)", async () => {
    const firstCommit = Deferred.makeUnsafe<void>()
    const release = Deferred.makeUnsafe<void>()
    let commits = 0
    const recorder: Recorder = {
      commit: () =>
        Effect.gen(function* () {
          commits += 1
          if (commits === 1) {
            yield* Deferred.succeed(firstCommit, undefined)
            yield* Deferred.await(release)
          }
          return { committedAt: performance.now() }
        }),
      ensureOwned: Effect.void,
    }
    const executor = await Effect.runPromise(
      makePartitionExecutor({
        partition: 2,
        lanes: new Map(),
        recorder,
        records: { get: () => undefined, remember: () => undefined, cancelRequested: () => false },
        offsets: makeOffsetBook(),
        from: 0n,
        nodes: { healthy: () => true },
        deadLetter: () => { throw new Error("no request is dead-lettered here") },
        unreadable: (m, problem) => ({ topic: "dlq", key: String(m.offset), value: problem }),
        maxParallelKeys: 4,
        maxHeld: 100,
        log: makeLogger("test", { write: () => undefined }),
        observe: () => undefined,
      }),
    )
    const batch = [request(0), garbage(1), garbage(2), request(3), request(4)]
    // The consumer's heartbeat gives up on the batch while the first dead letter's commit waits.
    const offering = Effect.runFork(executor.offer(batch))
    await Effect.runPromise(Deferred.await(firstCommit))
    const interrupted = Effect.runPromise(Fiber.interrupt(offering))
    await Effect.runPromise(Deferred.succeed(release, undefined))
    await interrupted
    // kafkajs hands the same batch again, since it was never marked read.
    await Effect.runPromise(executor.offer(batch))
    expect(commits).toBe(2)
    expect(executor.held()).toBe(3)
  })
})
