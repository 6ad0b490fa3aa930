import { Database } from "bun:sqlite"
import { afterEach, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { RequestStatus, StatusRecord } from "../domain/status.ts"
import { openStatusStore, type StatusStore } from "./store.ts"
import { openWriteBehindStore } from "./write-behind.ts"

const rec = (id: string, status: RequestStatus, at: number, extra: Partial<StatusRecord> = {}): StatusRecord => ({ id, status, at, chain: "bitcoin", sender: "default", partition: 1, ...extra })

let dir = ""
let store: StatusStore | undefined
afterEach(() => {
  store?.close()
  store = undefined
  rmSync(dir, { recursive: true, force: true })
})
const open = () => {
  dir = mkdtempSync(join(tmpdir(), "write-behind-"))
  const path = join(dir, "status.sqlite")
  store = openWriteBehindStore(path, { historyMax: 8 })
  return { store, path }
}

test("a record is readable the moment its write returns: get, history, batch, list and counts", () => {
  const { store } = open()
  for (let i = 0; i < 2000; i++) store.applyMany([rec(`r${i}`, "accepted", i, { batch_id: "B" })])
  store.apply(rec("r7", "submitted", 5000, { rev: 1, txid: "t" }))
  expect(store.get("r1999")?.status).toBe("accepted")
  expect(store.get("r7")).toMatchObject({ status: "submitted", txid: "t" })
  expect(store.history("r7").map((t) => t.status)).toEqual(["accepted", "submitted"])
  expect(store.batch("B")?.total).toBe(2000)
  expect(store.countByStatus().accepted).toBe(1999)
  expect(store.list({ limit: 3 }).requests.map((r) => r.id)).toEqual(["r0", "r1", "r2"])
})

test("read positions, removals and the source go through the writer in order, and survive a reopen", () => {
  const { store: first, path } = open()
  expect(first.claimSource("c/t")).toBe(false)
  first.applyMany([rec("a", "confirmed", 1, { nonce: 3, sender: "0xs" }), rec("b", "signed", 2)])
  first.saveReadPosition("t", 0, 10n)
  first.remove(["b"])
  expect([first.get("b"), first.highestNonce("0xs"), first.readPositions("t").get(0)]).toEqual([undefined, 3, 10n])
  first.close()
  store = openStatusStore(path)
  expect([store.get("a")?.status, store.readPositions("t").get(0), store.claimSource("c/t")]).toEqual(["confirmed", 10n, false])
})

test("a write the writer cannot apply is reported to the next reader, with the reason and the file", () => {
  const { store, path } = open()
  const broken = { id: "x", chain: "bitcoin", sender: "s", partition: 0, at: 1 } as unknown as StatusRecord
  store.apply(broken)
  expect(() => store.get("x")).toThrow(new RegExp(`writer failed on write 2 \\(NOT NULL constraint failed: request_status.status\\); the store file is ${path}`))
})

test("a burst larger than the in-flight bound is all applied, in order", () => {
  const { store } = open()
  for (let b = 0; b < 130; b++) store.applyMany(Array.from({ length: 500 }, (_, i) => rec(`b${b}-${i}`, "accepted", b * 500 + i)))
  store.apply(rec("b0-0", "confirmed", 1_000_000, { rev: 1 }))
  expect([store.size(), store.get("b0-0")?.status, store.get("b129-499")?.status]).toEqual([65_000, "confirmed", "accepted"])
}, 60_000)

test("the stood-still rows never come from behind a queued write: a row with a newer record queued is read after it", () => {
  const { store } = open()
  store.applyMany([rec("still", "submitted", 1_000), rec("moved", "signed", 1_000)])
  store.flush()
  for (let round = 0; round < 50; round++) {
    // Newer records of "moved" queued behind a burst; the read must see the last one.
    for (let i = 0; i < 200; i++) store.applyMany([rec(`b${round}-${i}`, "accepted", 10_000 + i)])
    store.apply(rec("moved", round % 2 === 0 ? "submitted" : "signed", 2_000 + round, { rev: round + 1 }))
    expect(store.awaitingRecordedIn(1, 2_000 + round).map((r) => r.id)).toEqual(["still"])
    expect(
      store
        .awaitingRecordedIn(1, 2_001 + round)
        .map((r) => r.id)
        .sort(),
    ).toEqual(["moved", "still"])
  }
})

test("counts so far never wait for the writer, and catch up once it has applied everything", () => {
  const { store } = open()
  for (let i = 0; i < 2000; i++) store.applyMany([rec(`c${i}`, "accepted", i)])
  // Whatever the writer has applied by now: never more than was written.
  expect(store.countsSoFar().accepted).toBeLessThanOrEqual(2000)
  store.flush()
  expect(store.countsSoFar().accepted).toBe(2000)
  expect(store.countsSoFar()).toEqual(store.countByStatus())
})

test("records read from the topic are stored as their text; a text the line format cannot carry is written again from its record", () => {
  const { store, path } = open()
  const read = rec("t1", "signed", 1, { rev: 1, txid: "0xaa", reason: "two\nlines" })
  // Another key order than JSON.stringify(read) gives, so the stored text shows which was kept.
  const { status, ...rest } = read
  const asRead = JSON.stringify({ status, ...rest })
  // Pretty-printed JSON has raw line breaks, which would split it in the writer's message.
  const pretty = rec("t2", "confirmed", 2, { rev: 2 })
  store.applyMany([read, pretty], [asRead, JSON.stringify(pretty, null, 2)])
  store.apply(rec("local", "accepted", 3))
  expect([store.get("t1"), store.get("t2"), store.get("local")?.status]).toEqual([read, pretty, "accepted"])
  store.flush()
  const raw = new Database(path, { readonly: true })
  const texts = raw.query<{ id: string; record: string }, []>("SELECT id, record FROM request_status ORDER BY id").all()
  raw.close()
  expect(texts).toEqual([
    { id: "local", record: JSON.stringify(rec("local", "accepted", 3)) },
    { id: "t1", record: asRead },
    { id: "t2", record: JSON.stringify(pretty) },
  ])
})
