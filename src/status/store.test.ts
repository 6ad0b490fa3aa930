import { Database } from "bun:sqlite"
import { afterEach, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { RequestStatus, StatusRecord } from "../domain/status.ts"
import { awaitingRecordedSql, otherKindIds } from "./schema.ts"
import { openStatusStore, type StatusStore } from "./store.ts"

const rec = (id: string, status: RequestStatus, at: number, extra: Partial<StatusRecord> = {}): StatusRecord => ({
  id,
  status,
  at,
  chain: "bitcoin",
  sender: "default",
  partition: 3,
  ...extra,
})

let store: StatusStore
afterEach(() => store.close())

/** Runs `body` with the path of a store file in a fresh folder, then closes the store and removes the folder. */
const withStoreFile = (body: (path: string) => void) => {
  const dir = mkdtempSync(join(tmpdir(), "status-store-"))
  try {
    body(join(dir, "status.sqlite"))
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

describe("apply / get", () => {
  test("an Ethereum record is kept with its signed bytes once and read back whole", () => {
    withStoreFile((path) => {
      store = openStatusStore(path)
      const raw = `0x02${"cd".repeat(60)}`
      const r = rec("e", "signed", 1, { chain: "ethereum", sender: "0xaa", txid: "0xt", raw_tx: raw, nonce: 0, node: "eth-1", versions: [{ txid: "0xt", raw_tx: raw, max_fee: "2", tip: "1", at: 1 }] })
      store.apply(r)
      expect(store.get("e")).toEqual(r)
      expect(store.list({ limit: 10 }).requests).toEqual([r])
      store.close()
      const db = new Database(path, { readonly: true })
      const row = db.query<{ record: string }, []>("SELECT record FROM request_status WHERE id = 'e'").get()
      db.close()
      expect(row?.record.split(raw).length).toBe(2)
      store = openStatusStore(path)
      expect(store.get("e")).toEqual(r)
    })
  })
  test("stores and returns a record; unknown ids are undefined", () => {
    store = openStatusStore()
    const r = rec("a", "accepted", 1, { body_hash: "h1", batch_id: "b" })
    store.apply(r)
    expect(store.get("a")).toEqual(r)
    expect(store.get("nope")).toBeUndefined()
  })
  test("a later record replaces an earlier one; an older one does not", () => {
    store = openStatusStore()
    store.apply(rec("a", "accepted", 1))
    store.apply(rec("a", "submitted", 5, { txid: "t" }))
    store.apply(rec("a", "intent", 3))
    expect(store.get("a")).toMatchObject({ status: "submitted", at: 5, txid: "t" })
  })
  test("a final status is never moved back to a non-final one, even by a later record", () => {
    store = openStatusStore()
    store.apply(rec("a", "confirmed", 10))
    store.apply(rec("a", "submitted", 20))
    expect(store.get("a")?.status).toBe("confirmed")
  })
  test("a later `accepted` (a republished duplicate) does not undo progress", () => {
    store = openStatusStore()
    store.apply(rec("a", "accepted", 1))
    store.apply(rec("a", "submitted", 2, { txid: "t" }))
    store.apply(rec("a", "accepted", 3))
    expect(store.get("a")).toMatchObject({ status: "submitted", txid: "t" })
  })
  test("a later non-final stage may follow another (e.g. re-signed after a drop)", () => {
    store = openStatusStore()
    store.apply(rec("a", "submitted", 2))
    store.apply(rec("a", "signed", 3))
    expect(store.get("a")?.status).toBe("signed")
  })
  test("a later final record may replace an earlier final one", () => {
    store = openStatusStore()
    store.apply(rec("a", "confirmed", 10))
    store.apply(rec("a", "failed", 20, { reason: "reorg" }))
    expect(store.get("a")).toMatchObject({ status: "failed", reason: "reorg" })
  })
  test("on equal `at`, the status further along wins, in either arrival order", () => {
    store = openStatusStore()
    store.apply(rec("a", "signed", 7))
    store.apply(rec("a", "intent", 7))
    store.apply(rec("b", "intent", 7))
    store.apply(rec("b", "signed", 7))
    expect([store.get("a")?.status, store.get("b")?.status]).toEqual(["signed", "signed"])
  })
  test("batch_id and body_hash survive a later record that omits them", () => {
    store = openStatusStore()
    store.apply(rec("a", "accepted", 1, { batch_id: "b1", body_hash: "h" }))
    store.apply(rec("a", "submitted", 2))
    expect(store.get("a")).toMatchObject({ status: "submitted", batch_id: "b1", body_hash: "h" })
    expect(store.batch("b1")?.ids).toEqual(["a"])
  })
  test("an out-of-order older record still fills a missing body_hash", () => {
    store = openStatusStore()
    store.apply(rec("a", "submitted", 2))
    store.apply(rec("a", "accepted", 1, { body_hash: "h" }))
    expect(store.get("a")).toMatchObject({ status: "submitted", body_hash: "h" })
  })
})

describe("batch / countByStatus / applyMany", () => {
  test("counts per status and pages of ids, optionally by status", () => {
    store = openStatusStore()
    const statuses: RequestStatus[] = ["accepted", "confirmed", "confirmed", "failed", "submitted"]
    store.applyMany(statuses.map((s, i) => rec(`id-${i}`, s, i, { batch_id: "b" })))
    store.apply(rec("other", "accepted", 1, { batch_id: "c" }))
    const b = store.batch("b")
    expect(b?.total).toBe(5)
    expect(b?.counts).toEqual({ accepted: 1, intent: 0, signed: 0, submitted: 1, confirmed: 2, failed: 1, dlq: 0, cancelled: 0 })
    expect(b?.ids).toEqual(["id-0", "id-1", "id-2", "id-3", "id-4"])
    expect(store.batch("b", { offset: 1, limit: 2 })?.ids).toEqual(["id-1", "id-2"])
    expect(store.batch("b", { offset: 0, limit: 10, status: "confirmed" })?.ids).toEqual(["id-1", "id-2"])
    expect(store.batch("missing")).toBeUndefined()
    expect(store.countByStatus()).toEqual({ accepted: 2, intent: 0, signed: 0, submitted: 1, confirmed: 2, failed: 1, dlq: 0, cancelled: 0 })
    expect(store.countsSoFar()).toEqual(store.countByStatus())
  })
  test("the kept counts per status match a scan of the table through transitions, step-backs, other kinds, removals and a clear", () => {
    const dir = mkdtempSync(join(tmpdir(), "status-counts-"))
    const path = join(dir, "store.sqlite")
    try {
      store = openStatusStore(path)
      const scan = () => {
        const db = new Database(path, { readonly: true })
        try {
          const counts = store.countByStatus()
          const rows = db.query<{ status: string; n: number }, []>("SELECT status, count(*) AS n FROM request_status WHERE kind = 'request' GROUP BY status").all()
          return { kept: Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)), scanned: Object.fromEntries(rows.map((r) => [r.status, r.n])) }
        } finally {
          db.close()
        }
      }
      const check = () => {
        const { kept, scanned } = scan()
        expect(kept).toEqual(scanned)
      }
      store.applyMany(Array.from({ length: 50 }, (_, i) => rec(`r${i}`, "accepted", i)))
      check()
      store.applyMany(Array.from({ length: 30 }, (_, i) => rec(`r${i}`, "signed", 100 + i, { rev: 1 })))
      store.applyMany(Array.from({ length: 20 }, (_, i) => rec(`r${i}`, "confirmed", 200 + i, { rev: 2 })))
      check()
      // A reorg moves a confirmed request back to submitted at a higher revision; a late `accepted` changes nothing.
      store.apply(rec("r0", "submitted", 300, { rev: 3 }))
      store.apply(rec("r1", "accepted", 301))
      store.apply(rec("f1", "signed", 302, { kind: "filler" }))
      store.apply(rec("f1", "confirmed", 303, { kind: "filler", rev: 1 }))
      check()
      store.remove(["r2", "r40", "f1", "missing"])
      check()
      expect(store.countByStatus()).toMatchObject({ accepted: 19, signed: 10, submitted: 1, confirmed: 18 })
      store.clear()
      check()
      expect(Object.values(store.countByStatus()).every((n) => n === 0)).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test("applyMany applies 20,000 records quickly and in order", () => {
    store = openStatusStore()
    const records = Array.from({ length: 20_000 }, (_, i) => rec(`id-${i % 10_000}`, i < 10_000 ? "accepted" : "submitted", i))
    const started = performance.now()
    store.applyMany(records)
    const ms = performance.now() - started
    expect(store.countByStatus().submitted).toBe(10_000)
    expect(ms).toBeLessThan(2000)
  })
})

describe("a file-backed store", () => {
  test("keeps its records across a reopen", () => {
    withStoreFile((path) => {
      store = openStatusStore(path)
      store.apply(rec("a", "confirmed", 1))
      store.close()
      store = openStatusStore(path)
      expect(store.get("a")?.status).toBe("confirmed")
    })
  })
})

describe("revisions", () => {
  const base = { id: "r", chain: "ethereum" as const, sender: "0xa", partition: 0 }
  test("a higher revision replaces a final status (a reorg moves confirmed back to submitted)", () => {
    const store = openStatusStore()
    store.apply({ ...base, status: "confirmed", at: 10, rev: 3 })
    store.apply({ ...base, status: "submitted", at: 11, rev: 4 })
    expect(store.get("r")?.status).toBe("submitted")
  })
  test("a lower revision never replaces a higher one, whatever its time", () => {
    const store = openStatusStore()
    store.apply({ ...base, status: "submitted", at: 10, rev: 4 })
    store.apply({ ...base, status: "confirmed", at: 99, rev: 3 })
    expect(store.get("r")?.status).toBe("submitted")
  })
  test("the intake's accepted record (no revision) never replaces an executor's", () => {
    const store = openStatusStore()
    store.apply({ ...base, status: "signed", at: 10, rev: 1 })
    store.apply({ ...base, status: "accepted", at: 20 })
    expect(store.get("r")?.status).toBe("signed")
  })
})

describe("history", () => {
  test("keeps each transition once, oldest first, with its reason and txid", () => {
    store = openStatusStore()
    store.apply(rec("a", "accepted", 1))
    store.apply(rec("a", "signed", 2, { rev: 1, txid: "t1" }))
    store.apply(rec("a", "signed", 2, { rev: 1, txid: "t1" }))
    store.apply(rec("a", "failed", 3, { rev: 2, reason: "insufficient funds" }))
    expect(store.history("a")).toEqual([
      { status: "accepted", at: 1, rev: 0 },
      { status: "signed", at: 2, rev: 1, txid: "t1" },
      { status: "failed", at: 3, rev: 2, reason: "insufficient funds" },
    ])
    expect(store.history("none")).toEqual([])
  })
  test("is bounded: the newest historyMax transitions stay", () => {
    store = openStatusStore(":memory:", { historyMax: 3 })
    for (let i = 1; i <= 6; i++) store.apply(rec("a", "submitted", i, { rev: i }))
    expect(store.history("a").map((t) => t.at)).toEqual([4, 5, 6])
  })
})

describe("list", () => {
  const fill = () => {
    store = openStatusStore()
    store.applyMany([
      rec("r1", "accepted", 10, { chain: "ethereum", sender: "0xa" }),
      rec("r2", "signed", 20, { chain: "ethereum", sender: "0xb" }),
      rec("r3", "failed", 30, { sender: "payroll" }),
      rec("r4", "failed", 40, { chain: "ethereum", sender: "0xa" }),
      rec("f1", "signed", 25, { chain: "ethereum", sender: "0xa", kind: "filler" }),
    ])
  }
  test("filters by status, sender, chain and since; the executor's own records are not listed", () => {
    fill()
    const ids = (q: Parameters<StatusStore["list"]>[0]) => store.list(q).requests.map((r) => r.id)
    expect(ids({ limit: 10 })).toEqual(["r1", "r2", "r3", "r4"])
    expect(ids({ limit: 10, status: "failed" })).toEqual(["r3", "r4"])
    expect(ids({ limit: 10, sender: "0xa" })).toEqual(["r1", "r4"])
    expect(ids({ limit: 10, chain: "bitcoin" })).toEqual(["r3"])
    expect(ids({ limit: 10, since: 20 })).toEqual(["r2", "r3", "r4"])
    expect(ids({ limit: 10, status: "signed" })).toEqual(["r2"])
  })
  test("pages by cursor: every request once, in order, and the last page says so", () => {
    fill()
    const first = store.list({ limit: 3 })
    expect(first.requests.map((r) => r.id)).toEqual(["r1", "r2", "r3"])
    expect(first.next).not.toBeNull()
    const second = store.list({ limit: 3, cursor: first.next ?? "" })
    expect(second.requests.map((r) => r.id)).toEqual(["r4"])
    expect(second.next).toBeNull()
  })
  test("orders by first sight, which a later status does not move", () => {
    fill()
    store.apply(rec("r1", "confirmed", 99, { chain: "ethereum", sender: "0xa", rev: 3 }))
    expect(store.list({ limit: 2 }).requests.map((r) => [r.id, r.status])).toEqual([
      ["r1", "confirmed"],
      ["r2", "signed"],
    ])
  })
})

describe("what the executors read", () => {
  test("the highest nonce per sender survives a later record without one", () => {
    store = openStatusStore()
    store.apply(rec("a", "signed", 1, { sender: "0xs", nonce: 5 }))
    store.apply(rec("b", "signed", 2, { sender: "0xs", nonce: 3 }))
    store.apply(rec("a", "failed", 3, { sender: "0xs", rev: 2 }))
    expect(store.highestNonce("0xs")).toBe(5)
    expect(store.highestNonce("0xnobody")).toBeUndefined()
  })
  test("awaitingConfirmation lists signed or submitted records of the given partitions only", () => {
    store = openStatusStore()
    store.applyMany([
      rec("a", "signed", 1, { partition: 1 }),
      rec("b", "submitted", 1, { partition: 2 }),
      rec("c", "confirmed", 1, { partition: 1 }),
      rec("d", "accepted", 1, { partition: 1 }),
    ])
    expect(store.awaitingConfirmation(new Set([1])).map((r) => r.id)).toEqual(["a"])
    expect(
      store
        .awaitingConfirmation(new Set([1, 2]))
        .map((r) => r.id)
        .sort(),
    ).toEqual(["a", "b"])
  })
  test("awaitingOfSender lists one sender's signed or submitted records, whatever their partition", () => {
    store = openStatusStore()
    store.applyMany([
      rec("a", "signed", 1, { sender: "0xs", partition: 1 }),
      rec("b", "submitted", 1, { sender: "0xs", partition: 2 }),
      rec("c", "confirmed", 1, { sender: "0xs", partition: 1 }),
      rec("d", "signed", 1, { sender: "0xother", partition: 1 }),
    ])
    expect(store.awaitingOfSender("0xs").map((r) => r.id).sort()).toEqual(["a", "b"])
    expect(store.awaitingOfSender("0xnobody")).toEqual([])
  })
  test("awaitingRecordedIn asks the records which partition they belong to, not the partition column", () => {
    withStoreFile((path) => {
      store = openStatusStore(path)
      store.applyMany([rec("a", "signed", 1, { partition: 4 }), rec("b", "submitted", 1, { partition: 5 }), rec("c", "confirmed", 1, { partition: 4 })])
      // A column gone wrong (as the old upsert left it) hides "a" from the column's query only.
      const raw = new Database(path)
      raw.run("UPDATE request_status SET partition = -1 WHERE id = 'a'")
      raw.close()
      expect(store.awaitingConfirmation(new Set([4]))).toEqual([])
      expect(store.awaitingRecordedIn(4).map((r) => r.id)).toEqual(["a"])
      expect(store.awaitingRecordedIn(5).map((r) => r.id)).toEqual(["b"])
    })
  })
  test("awaitingRecordedIn with `before` leaves out the requests whose newest record is not older", () => {
    store = openStatusStore()
    store.applyMany([
      rec("old", "signed", 1_000, { partition: 2 }),
      rec("edge", "submitted", 2_000, { partition: 2 }),
      rec("young", "signed", 3_000, { partition: 2 }),
    ])
    expect(store.awaitingRecordedIn(2, 2_000).map((r) => r.id)).toEqual(["old"])
    expect(store.awaitingRecordedIn(2, 2_001).map((r) => r.id).sort()).toEqual(["edge", "old"])
    expect(store.awaitingRecordedIn(2).map((r) => r.id).sort()).toEqual(["edge", "old", "young"])
    // A newer record of "old" moves it out.
    store.applyMany([rec("old", "submitted", 5_000, { partition: 2, rev: 2 })])
    expect(store.awaitingRecordedIn(2, 2_001).map((r) => r.id)).toEqual(["edge"])
  })
  test("awaitingRecordedIn reads only the rows that stood still, through the index of unfinished rows' times, not every unfinished record", () => {
    withStoreFile((path) => {
      store = openStatusStore(path)
      const young = Array.from({ length: 200 }, (_, i) => rec(`y${i}`, i % 2 === 0 ? "signed" : "submitted", 10_000 + i, { partition: i % 12 }))
      store.applyMany([...young, rec("still", "submitted", 1_000, { partition: 5 }), rec("done", "confirmed", 1_000, { partition: 5 })])
      expect(store.awaitingRecordedIn(5, 5_000).map((r) => r.id)).toEqual(["still"])
      const reader = new Database(path, { readonly: true })
      const plan = reader.query<{ detail: string }, [number, number]>(`EXPLAIN QUERY PLAN ${awaitingRecordedSql}`).all(5_000, 5)
      reader.close()
      expect(plan.map((p) => p.detail).join("; ")).toContain("USING INDEX request_status_awaiting_at (at<?)")
    })
  })
  test("a request first seen as the intake's accepted (partition unknown, -1) is found in its partition once signed, whichever record arrives first", () => {
    store = openStatusStore()
    // On a host with both roles the intake applies `accepted` with partition -1 before the executor's record.
    store.apply(rec("a", "accepted", 1, { partition: -1 }))
    store.apply(rec("a", "signed", 2, { partition: 4, rev: 1 }))
    // A late accepted (a republished duplicate) must not take the partition back.
    store.apply(rec("b", "submitted", 2, { partition: 4, rev: 2 }))
    store.apply(rec("b", "accepted", 1, { partition: -1 }))
    expect(
      store
        .awaitingConfirmation(new Set([4]))
        .map((r) => r.id)
        .sort(),
    ).toEqual(["a", "b"])
  })
  test("opening a file mends unfinished rows an older upsert left at partition -1, from their records", () => {
    withStoreFile((path) => {
      store = openStatusStore(path)
      store.applyMany([rec("a", "signed", 1, { partition: 4 }), rec("b", "confirmed", 1, { partition: 4 }), rec("c", "accepted", 1, { partition: -1 })])
      store.close()
      // What the old upsert left behind: the column at -1 while the record names partition 4.
      const raw = new Database(path)
      raw.run("UPDATE request_status SET partition = -1")
      raw.close()
      store = openStatusStore(path)
      expect(store.awaitingConfirmation(new Set([4])).map((r) => r.id)).toEqual(["a"])
      expect(store.get("c")?.partition).toBe(-1)
    })
  })
})

describe("records of other kinds", () => {
  test("idsOfKind answers the ids of that kind only, through the index of the kinds that are not requests", () => {
    withStoreFile((path) => {
      store = openStatusStore(path)
      store.applyMany([
        rec("r1", "accepted", 1),
        rec("cancel:r1", "accepted", 2, { kind: "cancel", target: "r1" }),
        rec("btc-tx:t1", "submitted", 3, { kind: "transaction" }),
        rec("r2", "confirmed", 4),
      ])
      expect(store.idsOfKind("cancel")).toEqual(["cancel:r1"])
      expect(store.idsOfKind("transaction")).toEqual(["btc-tx:t1"])
      expect(store.idsOfKind("filler")).toEqual([])
      // A scan of every request here took 184-814 ms of a start with 1,000,000 of them.
      const reader = new Database(path, { readonly: true })
      const plan = reader.query<{ detail: string }, [string]>(`EXPLAIN QUERY PLAN ${otherKindIds}`).all("cancel")
      reader.close()
      expect(plan.map((p) => p.detail).join("; ")).toContain("USING COVERING INDEX request_status_other_kinds")
    })
  })
})

describe("read positions, source and tombstones", () => {
  test("positions are kept per topic and partition, and survive a reopen", () => {
    withStoreFile((path) => {
      store = openStatusStore(path)
      store.claimSource("cluster-1/results")
      store.apply(rec("a", "confirmed", 1))
      store.saveReadPosition("results", 0, 41n)
      store.saveReadPosition("results", 0, 42n)
      store.saveReadPosition("results", 3, 7n)
      store.saveReadPosition("other", 0, 9n)
      store.close()
      store = openStatusStore(path)
      expect(store.claimSource("cluster-1/results")).toBe(false)
      expect([...store.readPositions("results")].sort()).toEqual([
        [0, 42n],
        [3, 7n],
      ])
      expect(store.get("a")?.status).toBe("confirmed")
    })
  })
  test("a store filled from another source is emptied when claimed", () => {
    store = openStatusStore()
    expect(store.claimSource("cluster-1/results")).toBe(false)
    store.apply(rec("a", "signed", 1, { nonce: 4 }))
    store.saveReadPosition("results", 0, 5n)
    expect(store.claimSource("cluster-2/results")).toBe(true)
    expect([store.get("a"), store.highestNonce("default"), store.readPositions("results").size, store.size()]).toEqual([undefined, undefined, 0, 0])
  })
  test("remove deletes a record and its history", () => {
    store = openStatusStore()
    store.apply(rec("a", "confirmed", 1))
    store.apply(rec("b", "confirmed", 1))
    store.remove(["a"])
    expect([store.get("a"), store.history("a"), store.size()]).toEqual([undefined, [], 1])
  })
  test("a file written by an older layout is emptied, not misread", () => {
    withStoreFile((path) => {
      const old = new Database(path)
      old.run("CREATE TABLE request_status (id TEXT PRIMARY KEY, status TEXT NOT NULL, record TEXT NOT NULL)")
      old.run("INSERT INTO request_status VALUES ('a', 'confirmed', '{}')")
      old.close()
      store = openStatusStore(path)
      expect([store.get("a"), store.size()]).toEqual([undefined, 0])
      store.apply(rec("b", "signed", 1))
      expect(store.get("b")?.status).toBe("signed")
    })
  })
})

describe("expired", () => {
  test("lists final records whose last change is older than the cutoff, never unfinished ones", () => {
    store = openStatusStore()
    store.applyMany([rec("old-done", "confirmed", 10), rec("old-failed", "failed", 20), rec("old-stuck", "signed", 5), rec("new-done", "confirmed", 100)])
    expect(store.expired(50, 10).sort()).toEqual(["old-done", "old-failed"])
    expect(store.expired(50, 1)).toHaveLength(1)
  })
})
