import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import type { StatusRecord } from "../../domain/status.ts"
import { makeOffsetBook } from "../../execution/offset-book.ts"
import { busyThreshold, makePartitionRecorder, type OutRecord, pauseFor, type TransactionSink } from "./partition-recorder.ts"

const rec = (id: string): StatusRecord => ({ id, status: "signed", chain: "ethereum", sender: "0xa", partition: 0, at: 1 })

/** A sink that logs each transaction and fails the ones `fail` says to. */
const scriptedSink = (fail: (n: number) => unknown | undefined) => {
  const txns: { ids: string[]; next: bigint | undefined }[] = []
  let n = 0
  const sink: TransactionSink = {
    commit: async (records: readonly OutRecord[], next) => {
      await new Promise((r) => setTimeout(r, 1))
      const error = fail(n++)
      if (error !== undefined) throw error
      txns.push({ ids: records.map((r) => String(r.key)), next })
      return { committedAt: performance.now() }
    },
    owns: () => true,
  }
  return { sink, txns }
}

describe("partition recorder", () => {
  test("with an interval, a transaction starts no sooner than the interval after the last one started, and carries what queued meanwhile", async () => {
    const starts: number[] = []
    const { sink: inner, txns } = scriptedSink(() => undefined)
    const sink: TransactionSink = { ...inner, commit: (records, next) => (starts.push(performance.now()), inner.commit(records, next)) }
    const r = makePartitionRecorder(sink, makeOffsetBook(), "results", { committedAt: 0 }, undefined, undefined, 0, 250)
    await Effect.runPromise(r.commit([rec("a")]))
    // Three callers arrive one after another during the pause: one transaction takes them all.
    await Effect.runPromise(Effect.all([r.commit([rec("b")]), Effect.andThen(Effect.sleep("20 millis"), r.commit([rec("c")])), Effect.andThen(Effect.sleep("40 millis"), r.commit([rec("d")]))], { concurrency: "unbounded" }))
    expect(txns.map((t) => t.ids)).toEqual([["a"], ["b", "c", "d"]])
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(249)
  })

  test("paced by the backlog: the light pause after a small transaction, the full one after a busy transaction or while many messages are held", async () => {
    const starts: number[] = []
    const { sink: inner, txns } = scriptedSink(() => undefined)
    const sink: TransactionSink = { ...inner, commit: (records, next) => (starts.push(performance.now()), inner.commit(records, next)) }
    const book = makeOffsetBook()
    const r = makePartitionRecorder(sink, book, "results", { committedAt: 0 }, undefined, undefined, 0, { busyMs: 400, lightMs: 40 })
    const many = Array.from({ length: busyThreshold }, (_, i) => rec(`m${i}`))
    await Effect.runPromise(r.commit([rec("a")]))
    await Effect.runPromise(r.commit(many))
    await Effect.runPromise(r.commit([rec("b")]))
    // A small transaction again, but with a backlog held: still the full pause.
    book.receive(Array.from({ length: busyThreshold }, (_, i) => BigInt(i)))
    await Effect.runPromise(r.commit([rec("c")]))
    expect(txns.map((t) => t.ids.length)).toEqual([1, busyThreshold, 1, 1])
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] ?? 0))
    expect(gaps[0]).toBeGreaterThanOrEqual(39)
    expect(gaps[0]).toBeLessThan(399)
    expect(gaps[1]).toBeGreaterThanOrEqual(399)
    expect(gaps[2]).toBeGreaterThanOrEqual(399)
    const pacing = { busyMs: 400, lightMs: 40 }
    expect([pauseFor(pacing, busyThreshold - 1, busyThreshold - 1), pauseFor(pacing, busyThreshold, 0), pauseFor(pacing, 0, busyThreshold)]).toEqual([40, 400, 400])
  })

  test("an urgent caller ends the pause: its transaction starts at once, with whatever queued before it", async () => {
    const { sink, txns } = scriptedSink(() => undefined)
    // A pause far longer than the test may take.
    const r = makePartitionRecorder(sink, makeOffsetBook(), "results", { committedAt: 0 }, undefined, undefined, 0, 60_000)
    await Effect.runPromise(r.commit([rec("a")]))
    await Effect.runPromise(Effect.all([r.commit([rec("b")]), Effect.andThen(Effect.sleep("20 millis"), r.commit([rec("c")], [], [], { urgent: true }))], { concurrency: "unbounded" }))
    expect(txns.map((t) => t.ids)).toEqual([["a"], ["b", "c"]])
  })

  test("callers queued during a transaction share the next one, with the offset through what they finish", async () => {
    const { sink, txns } = scriptedSink(() => undefined)
    const book = makeOffsetBook()
    book.receive([10n, 11n, 12n])
    const r = makePartitionRecorder(sink, book, "results", { committedAt: 0 }, undefined, undefined, 0)
    await Effect.runPromise(Effect.all([r.commit([rec("a")], [10n]), r.commit([rec("b")], [12n]), r.commit([rec("c")], [11n])], { concurrency: "unbounded" }))
    expect(txns).toEqual([{ ids: ["a"], next: 11n }, { ids: ["b", "c"], next: 13n }])
  })

  test("a failed transaction is retried before anything later, so no offset passes its records", async () => {
    const { sink, txns } = scriptedSink((n) => (n === 0 ? { _tag: "KafkaUnavailable", message: "not enough replicas" } : undefined))
    const book = makeOffsetBook()
    book.receive([1n, 2n])
    const r = makePartitionRecorder(sink, book, "results", { committedAt: 0 }, undefined, undefined, 0)
    await Effect.runPromise(Effect.all([r.commit([rec("a")], [1n]), r.commit([rec("b")], [2n])], { concurrency: "unbounded" }))
    expect(txns).toEqual([{ ids: ["a", "b"], next: 3n }])
  })

  test("fenced: every caller fails, now and later", async () => {
    const { sink } = scriptedSink(() => ({ _tag: "WriterFenced", message: "a newer owner" }))
    const r = makePartitionRecorder(sink, makeOffsetBook(), "results", { committedAt: 0 })
    const first = await Effect.runPromise(Effect.flip(r.commit([rec("a")])))
    const later = await Effect.runPromise(Effect.flip(r.commit([rec("b")])))
    expect([first._tag, later._tag]).toEqual(["WriterFenced", "WriterFenced"])
  })

  test("the offset rides along at most once per interval; a transaction without records always carries it", async () => {
    const { sink, txns } = scriptedSink(() => undefined)
    const book = makeOffsetBook()
    book.receive([1n, 2n, 3n])
    const r = makePartitionRecorder(sink, book, "results", { committedAt: 0 }, undefined, undefined, 60_000)
    await Effect.runPromise(r.commit([rec("a")], [1n]))
    await Effect.runPromise(r.commit([rec("b")], [2n]))
    await Effect.runPromise(r.commit([], [3n]))
    expect(txns).toEqual([{ ids: ["a"], next: 2n }, { ids: ["b"], next: undefined }, { ids: [], next: 4n }])
  })

  test("after a pause, the offset a transaction left behind follows in one offset-only transaction", async () => {
    const { sink, txns } = scriptedSink(() => undefined)
    const book = makeOffsetBook()
    book.receive([1n, 2n, 3n])
    const r = makePartitionRecorder(sink, book, "results", { committedAt: 0 }, undefined, undefined, 30)
    await Effect.runPromise(r.commit([rec("a")], [1n]))
    await Effect.runPromise(r.commit([rec("b")], [2n]))
    expect(txns).toEqual([{ ids: ["a"], next: 2n }, { ids: ["b"], next: undefined }])
    await new Promise((done) => setTimeout(done, 80))
    expect(txns).toEqual([{ ids: ["a"], next: 2n }, { ids: ["b"], next: undefined }, { ids: [], next: 3n }])
    // Caught up: nothing more follows.
    await new Promise((done) => setTimeout(done, 80))
    expect(txns).toHaveLength(3)
  })

  test("no trailing transaction when the last one carried the offset, or once the writer is fenced", async () => {
    const carried = scriptedSink(() => undefined)
    const book = makeOffsetBook()
    book.receive([1n])
    const r = makePartitionRecorder(carried.sink, book, "results", { committedAt: 0 }, undefined, undefined, 30)
    await Effect.runPromise(r.commit([rec("a")], [1n]))
    await new Promise((done) => setTimeout(done, 80))
    expect(carried.txns).toEqual([{ ids: ["a"], next: 2n }])

    let calls = 0
    const fencedSink = scriptedSink((n) => (n === 1 ? { _tag: "WriterFenced", message: "a newer owner" } : undefined))
    const counting = { ...fencedSink.sink, commit: (records: readonly OutRecord[], next: bigint | undefined) => ((calls += 1), fencedSink.sink.commit(records, next)) }
    const book2 = makeOffsetBook()
    book2.receive([1n, 2n])
    const f = makePartitionRecorder(counting, book2, "results", { committedAt: 0 }, undefined, undefined, 30)
    await Effect.runPromise(f.commit([rec("a")], [1n]))
    await Effect.runPromise(Effect.flip(f.commit([rec("b")], [2n])))
    await new Promise((done) => setTimeout(done, 80))
    expect(calls).toBe(2)
  })

  test("ownership is proved again only when the last proof is stale, by re-committing the safe offset", async () => {
    const { sink, txns } = scriptedSink(() => undefined)
    const owned = { ...sink, owns: (p: { committedAt: number }) => performance.now() - p.committedAt < 50 }
    const r = makePartitionRecorder(owned, makeOffsetBook(7n), "results", { committedAt: performance.now() })
    await Effect.runPromise(r.ensureOwned)
    expect(txns).toEqual([])
    await new Promise((done) => setTimeout(done, 60))
    await Effect.runPromise(r.ensureOwned)
    expect(txns).toEqual([{ ids: [], next: 7n }])
  })
})
