import { describe, expect, test } from "bun:test"
import { Effect, Fiber } from "effect"
import type { RequestStatus, StatusRecord } from "../../domain/status.ts"
import { makeReadProgress } from "../../kafka/read-progress.ts"
import { makeReadBackMemo } from "../../status/read-back.ts"
import { openStatusStore } from "../../status/store.ts"
import { applyUpdate, changesOf, makeViewUpdates, sendUpdate, type TopicMessage, viewUpdatesCapacity, type ViewTarget } from "./view-updates.ts"

const rec = (id: string, status: RequestStatus, at: number): StatusRecord => ({ id, status, at, chain: "bitcoin", sender: "default", partition: 0 })
const msg = (offset: number, key: string | null, value: StatusRecord | string | null): TopicMessage => ({
  offset: String(offset),
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(typeof value === "string" ? value : JSON.stringify(value)),
})

const target = () => {
  const store = openStatusStore(":memory:")
  const progress = makeReadProgress()
  const noted: string[] = []
  const t: ViewTarget = { store, progress, topic: "results", applied: (records) => noted.push(...records.map((r) => r.id)) }
  return { t, store, progress, noted }
}

describe("changesOf", () => {
  test("gathers records into runs that tombstones split, in offset order, and reports what is not JSON", () => {
    const { changes, unreadable } = changesOf([
      msg(0, "a", rec("a", "accepted", 1)),
      msg(1, "b", rec("b", "accepted", 1)),
      msg(2, "a", null),
      msg(3, "c", "{not json"),
      msg(4, null, null),
      msg(5, "c", rec("c", "accepted", 2)),
    ])
    expect(changes.map((c) => (c._tag === "apply" ? c.records.map((r) => r.id) : `-${c.id}`))).toEqual([["a", "b"], "-a", ["c"]])
    expect(unreadable).toEqual(["3"])
  })

  test("an empty batch changes nothing", () => {
    expect(changesOf([])).toEqual({ changes: [], unreadable: [], skipped: 0 })
  })

  test("leaves out, unparsed, the records this host says it applied text for text, and keeps the rest of their run", () => {
    const memo = makeReadBackMemo()
    const mine = JSON.stringify(rec("b", "signed", 2))
    memo.note("b", mine)
    memo.note("c", JSON.stringify(rec("c", "signed", 2)))
    const { changes, skipped } = changesOf(
      [msg(0, "a", rec("a", "accepted", 1)), msg(1, "b", mine), msg(2, "c", rec("c", "submitted", 3)), msg(3, "b", mine)],
      memo.take,
    )
    // c's text differs from the one noted (a newer status), so it is applied; b's second copy is no longer noted.
    expect(changes.map((c) => (c._tag === "apply" ? c.records.map((r) => `${r.id}:${r.status}`) : `-${c.id}`))).toEqual([["a:accepted", "c:submitted", "b:signed"]])
    expect(skipped).toBe(1)
    expect(memo.size()).toBe(1)
  })

  test("a store that skips what it applied itself ends as one that applies every record read back", () => {
    const written = [rec("a", "signed", 1), rec("a", "submitted", 2), rec("b", "signed", 3), rec("a", "confirmed", 4), { ...rec("b", "signed", 5), nonce: 7, sender: "0xs" }]
    const read = [...written, rec("c", "accepted", 6)]
    const both = [openStatusStore(":memory:"), openStatusStore(":memory:")] as const
    const memo = makeReadBackMemo()
    for (const r of written) {
      const text = JSON.stringify(r)
      for (const store of both) store.applyMany([r], [text])
      memo.note(r.id, text)
    }
    const messages = read.map((r, i) => msg(i, r.id, r))
    for (const [store, skip] of [[both[0], memo.take], [both[1], undefined]] as const) {
      for (const change of changesOf(messages, skip).changes) if (change._tag === "apply") store.applyMany(change.records, change.texts)
    }
    for (const id of ["a", "b", "c"]) {
      expect(both[0].get(id)).toEqual(both[1].get(id))
      expect(both[0].history(id)).toEqual(both[1].history(id))
    }
    expect(both[0].highestNonce("0xs")).toBe(7)
    expect(both[0].countByStatus()).toEqual(both[1].countByStatus())
  })
})

describe("the read-back memo", () => {
  test("keeps the last text of each id, forgets it once taken, and drops the oldest ids past its capacity", () => {
    const memo = makeReadBackMemo(2)
    memo.note("a", "1")
    memo.note("a", "2")
    expect(memo.take("a", "1")).toBe(false)
    memo.note("b", "3")
    memo.note("a", "4")
    memo.note("c", "5")
    expect(memo.take("b", "3")).toBe(false)
    expect(memo.take("a", "4")).toBe(true)
    expect(memo.take("a", "4")).toBe(false)
    expect(memo.take("c", "5")).toBe(true)
    memo.note("d", "6")
    memo.clear()
    expect(memo.size()).toBe(0)
  })
})

describe("applyUpdate", () => {
  test("applies records and tombstones in order and tells which records it applied", () => {
    const { t, store, noted } = target()
    applyUpdate(t, { _tag: "batch", changes: changesOf([msg(0, "a", rec("a", "accepted", 1)), msg(1, "a", null), msg(2, "b", rec("b", "signed", 2))]).changes })
    expect(store.get("a")).toBeUndefined()
    expect(store.get("b")?.status).toBe("signed")
    expect(noted).toEqual(["a", "b"])
  })

  test("read-to advances the progress and stores the position; a position never moves back", () => {
    const { t, store, progress } = target()
    applyUpdate(t, { _tag: "read-to", partition: 2, next: 10n })
    applyUpdate(t, { _tag: "read-to", partition: 2, next: 4n })
    expect(progress.position(2)).toBe(10n)
    expect(store.readPositions("results")).toEqual(new Map([[2, 10n]]))
  })
})

describe("the view's updates actor", () => {
  test("a position is reached only once the records sent before it are in the store", () =>
    Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      const { t, store, progress } = target()
      const updates = yield* makeViewUpdates(t)
      yield* sendUpdate(updates, { _tag: "batch", changes: changesOf([msg(0, "a", rec("a", "accepted", 1))]).changes })
      yield* sendUpdate(updates, { _tag: "read-to", partition: 0, next: 1n })
      expect(progress.position(0)).toBe(0n)
      const caughtUp = progress.waitFor(new Map([[0, 1n]])).then(() => store.get("a")?.status)
      const loop = yield* Effect.forkChild(updates.loop)
      expect(yield* Effect.promise(() => caughtUp)).toBe("accepted")
      yield* Fiber.interrupt(loop)
    }))))

  test("a sender waits while the mailbox is full, and is let go without error once the run's mailbox closes", () =>
    Effect.runPromise(Effect.gen(function* () {
      const { t } = target()
      const run = yield* Effect.scoped(Effect.gen(function* () {
        const updates = yield* makeViewUpdates(t)
        for (let i = 0; i < viewUpdatesCapacity; i++) yield* sendUpdate(updates, { _tag: "read-to", partition: 0, next: BigInt(i + 1) })
        const blocked = yield* Effect.forkDetach(sendUpdate(updates, { _tag: "read-to", partition: 0, next: 100n }))
        for (let i = 0; i < 20; i++) yield* Effect.yieldNow
        expect(blocked.pollUnsafe()).toBeUndefined()
        return blocked
      }))
      yield* Fiber.join(run)
      expect(t.progress.position(0)).toBe(0n)
    })))
})
